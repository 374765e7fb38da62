"""What a school's busiest moments cost, pinned by mechanism (not by timing).

- a storm of joins renders each conference's participant list a few times, not once per join, and phones
  leaving are marked on it without rendering it;
- a disconnect looks only at its own connection's rooms, not at every room of every conference;
- a burst of slide changes from many conferences is one statement on PostgreSQL.
"""
import time

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from conference_app import db
from conference_app.live import conferences
from conference_app.live.sockets import IndexedManager
from conference_app.models import Conference, Participant, SlideVisit
from tests.live.clients import Phone, joined, signed_in


def test_a_join_storm_renders_the_participant_list_a_few_times_not_once_per_join(live_server, school, phones):
    student = Phone(live_server, signed_in(live_server, "amara"), school.conference.id, view="presenter")
    phones.append(student)
    student.slide_at(0)
    before = len([e for e in student.events if e[0] == "participants"])
    started = time.monotonic()
    for n in range(30):
        phones.append(Phone(live_server, joined(live_server, school.conference.code, f"Phone {n}"),
                            school.conference.id))
    last = student.wait_for("participants", lambda d: "Phone 29" in d["html"])
    elapsed = time.monotonic() - started
    assert "Phone 0" in last["html"] and "Phone 15" in last["html"]
    time.sleep(0.5)
    pushes = len([e for e in student.events if e[0] == "participants"]) - before
    # 30 joins and 30 connections: 60 changes, pushed as lists at most once per 250 ms however long the joins
    # took (a busy machine spreads them out), and always far fewer lists than changes
    assert 1 <= pushes <= elapsed / 0.25 + 2 and pushes <= 30, (pushes, elapsed)


def test_phones_that_leave_are_marked_on_the_list_without_rendering_it(live_server, school, phones):
    """The Wi-Fi drops: the presenter's list shows every phone gone, from who left (no list rendered)."""
    student = Phone(live_server, signed_in(live_server, "amara"), school.conference.id, view="presenter")
    phones.append(student)
    student.slide_at(0)
    family = [Phone(live_server, joined(live_server, school.conference.code, f"Phone {n}"), school.conference.id)
              for n in range(6)]
    phones.extend(family)
    for n in range(6):
        student.shows_connected(f"Phone {n}")
    time.sleep(0.5)  # (every list of the joins is out)
    lists = len([e for e in student.events if e[0] == "participants"])
    for phone in family:
        phone.close()
    for n in range(6):
        student.shows_connected(f"Phone {n}", False)
    assert len([e for e in student.events if e[0] == "participants"]) == lists  # no list rendered again


class _NoScan(dict):
    """The namespace's rooms; looking through all of them (python-socketio's own disconnect) fails."""

    def copy(self):
        raise AssertionError("a disconnect scanned every room")

    def items(self):
        raise AssertionError("a disconnect scanned every room")


class _Server:
    class eio:
        @staticmethod
        def generate_id():
            _Server.n += 1
            return f"sid{_Server.n}"

    n = 0


def test_a_disconnect_touches_only_its_own_rooms():
    manager = IndexedManager()
    manager.server = _Server()
    sids = []
    for n in range(1000):  # 1,000 phones in 250 conferences
        sid = manager.connect(f"eio{n}", "/")
        manager.enter_room(sid, "/", f"conference:{n % 250}")
        manager.enter_room(sid, "/", f"participant:{n}")
        sids.append(sid)
    manager.rooms["/"] = _NoScan(manager.rooms["/"])
    leaving = sids[7]
    assert sorted(manager.get_rooms(leaving, "/")) == sorted([leaving, "conference:7", "participant:7"])
    manager.pre_disconnect(leaving, "/")
    manager.disconnect(leaving, "/")
    assert not manager.is_connected(leaving, "/")
    assert "participant:7" not in manager.rooms["/"]
    assert leaving not in dict.get(manager.rooms["/"], "conference:7")
    assert len(dict.get(manager.rooms["/"], "conference:7")) == 3  # the conference's other phones stay
    assert manager.is_connected(sids[8], "/")


def test_a_burst_from_many_conferences_is_one_statement_on_postgresql(app, database_url, make):
    if not database_url.startswith("postgresql"):
        pytest.skip("the single-statement batch is PostgreSQL's")
    student = make.student("amara")
    made = [make.conference(student, slides=3) for _ in range(20)]
    with app.app_context():
        s = db.session()
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine(), "before_cursor_execute", listener)
        try:
            moved = conferences.goto_many(s, [(c.id, 2, c.slide_ids) for c in made])
        finally:
            event.remove(db.engine(), "before_cursor_execute", listener)
        assert len(statements) == 1, statements
        assert all(m.changed and m.position == 2 for m in moved)
        positions = s.exec(select(Conference.position).where(Conference.id.in_([c.id for c in made]))).all()
        assert set(positions) == {2}
        open_visits = s.exec(select(SlideVisit).where(SlideVisit.ended_at.is_(None))).all()
        assert sorted((v.conference_id, v.position) for v in open_visits) == sorted((c.id, 2) for c in made)


def test_phones_leaving_together_are_stored_in_one_statement(app, make):
    """The school's Wi-Fi drops: every disconnect is noted, and one flush stores them all."""
    student = make.student("amara")
    made = [make.conference(student, slides=2) for _ in range(4)]
    ended = make.conference(student, slides=2)
    with app.app_context():
        s = db.session()
        people = [Participant(conference_id=c.id, display_name=f"P{n}", role="family", token=f"t{c.id}-{n}",
                              online=True) for c in [*made, ended] for n in range(10)]
        s.add_all(people)
        s.commit()
        conferences.end(s, s.get(Conference, ended.id))
        ids = {p.id: p.conference_id for p in people}
    lists = app.extensions["live_participants"]
    lists.delay = 0.3  # (every disconnect below is noted before the flush starts, however busy the machine)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(app.extensions["db_engine"], "before_cursor_execute", listener)
    try:
        with app.app_context():
            for participant_id, conference_id in ids.items():
                lists.changed(conference_id, {participant_id: False})
        deadline = time.monotonic() + 5
        while lists.flushes < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        event.remove(app.extensions["db_engine"], "before_cursor_execute", listener)
    assert lists.flushes == 1
    updates = [sql for sql in statements if sql.lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 1, updates
    with app.app_context():
        rows = db.session().exec(select(Participant)).all()
        assert all(not p.online and p.left_at for p in rows if p.conference_id != ended.id)


def test_presence_that_could_not_be_stored_is_tried_again(app, make, monkeypatch):
    """The database refuses a flush (locked, restarting): the marks are kept and stored by a later flush,
    and a mark noted meanwhile wins over the older one."""
    student = make.student("amara")
    conference = make.conference(student, slides=2)
    with app.app_context():
        s = db.session()
        people = [Participant(conference_id=conference.id, display_name=f"P{n}", role="family", token=f"t{n}",
                              online=False) for n in range(2)]
        s.add_all(people)
        s.commit()
        first, second = (p.id for p in people)
    lists = app.extensions["live_participants"]
    lists.delay = 0
    real, calls = conferences.set_presence, []

    def refuse_once(s, online):
        calls.append(dict(online))
        if len(calls) == 1:
            lists.changed(conference.id, {second: True})  # noted while the first flush fails
            raise OperationalError("UPDATE", {}, Exception("database is locked"))
        return real(s, online)

    monkeypatch.setattr(conferences, "set_presence", refuse_once)
    with app.app_context():
        lists.changed(conference.id, {first: True, second: False})
    deadline = time.monotonic() + 10
    while lists.flushes < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert lists.flushes == 1 and len(calls) == 2 and calls[1] == {first: True, second: True}
    with app.app_context():
        stored = {p.id: p.online for p in db.session().exec(select(Participant))}
    assert stored == {first: True, second: True}


def test_a_flush_of_many_lists_lets_waiting_work_run_between_them(app, monkeypatch):
    """When the Wi-Fi drops, hundreds of lists are pushed in one flush; a slide change waiting meanwhile
    goes between two of them, not after all of them."""
    lists = app.extensions["live_participants"]
    lists.delay = 0
    events = []
    monkeypatch.setattr(lists, "_may_be_watched", lambda conference_id: True)
    monkeypatch.setattr(lists, "_push", lambda conference_id, **_: events.append(("list", conference_id)))
    monkeypatch.setattr(app.extensions["socketio"], "sleep", lambda seconds: events.append(("turn", seconds)))
    lists.dirty = {3, 1, 2}
    lists._flush()
    assert events == [("turn", 0), ("list", 1), ("turn", 0), ("list", 2), ("turn", 0), ("list", 3), ("turn", 0)]
