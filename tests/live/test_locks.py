"""A database lock held by someone else never freezes the server, and the presenter hears the truth.

SQLite: another connection holds the write lock (a second process, a manual `sqlite3`, a migration).
PostgreSQL: another transaction holds one conference's row; every other conference keeps moving.
"""
import sqlite3
import time

import pytest
import requests

from conference_app import db
from conference_app.live import conferences
from conference_app.models import Presentation, Slide, SlideKind
from tests.live.clients import Phone, joined, signed_in


def _presenter_and_phone(server, school, phones, username="amara", conference=None):
    conference = conference or school.conference
    student = Phone(server, signed_in(server, username), conference.id, view="presenter")
    phone = Phone(server, joined(server, conference.code, f"Family of {username}"), conference.id)
    phones.extend([student, phone])
    phone.slide_at(0)
    return student, phone


def _second_conference(app, school):
    """Leo's conference, live, beside Amara's."""
    with app.app_context():
        s = db.session()
        presentation = Presentation(owner_id=school.other_student.id, title="Leo's conference")
        s.add(presentation)
        s.flush()
        s.add_all([Slide(presentation_id=presentation.id, position=i, kind=SlideKind.SECTION, title=f"LEO-{i}")
                   for i in range(4)])
        s.commit()
        conference = conferences.create(s, presentation)
        conferences.go_live(s, conference)
        return conference


def _status(phone, state, timeout=8):
    return phone.wait_for("status", lambda d: d.get("state") == state, timeout)


def test_a_held_sqlite_write_lock_leaves_the_server_answering_and_the_presenter_told(
        app, database_url, live_server, school, phones):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's database-wide write lock")
    student, mum = _presenter_and_phone(live_server, school, phones)
    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the write lock, held like a migration on a live database would
    try:
        started = time.monotonic()
        answer = student.goto(2)
        assert answer == {"ok": False, "slow": True, "error": "Saving is slow; trying again…"}
        assert time.monotonic() - started < 4
        assert "slow" in _status(student, "slow")["text"]
        # the event loop is free: the health check, a page and a phone's sync are answered meanwhile
        for _ in range(3):
            t0 = time.monotonic()
            assert requests.get(f"{live_server.url}/healthz", timeout=2).ok
            assert time.monotonic() - t0 < 1
        mum.events.clear()
        mum.sio.emit("sync", {})
        assert mum.slide_at(0, timeout=2)  # reads go on: still the stored slide, nothing unstored shown
        time.sleep(1)
        assert not [d for n, d in mum.events if n == "slide" and d["position"] == 2]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert mum.slide_at(2)  # stored once the lock went, then pushed
    assert _status(student, "live")["text"] == "Live"  # and the presenter's status cleared
    with app.app_context():
        assert conferences.shown_positions(db.session(), school.conference.id) == {0, 2}


def test_a_held_postgresql_row_lock_holds_up_only_its_own_conference(app, database_url, live_server, school,
                                                                    phones):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's row locks")
    import psycopg

    other = _second_conference(app, school)
    amara, mum = _presenter_and_phone(live_server, school, phones)
    leo, leo_dad = _presenter_and_phone(live_server, school, phones, "leo", conference=other)
    holder = psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://"))
    holder.execute("SELECT id FROM conference WHERE id = %s FOR UPDATE", (school.conference.id,))
    try:
        answer = amara.goto(2)
        assert answer["slow"] and not answer["ok"]
        assert _status(amara, "slow")
        for position in (1, 2, 3):  # Leo's conference is not held up
            t0 = time.monotonic()
            assert leo.goto(position)["ok"]
            assert "LEO-" in leo_dad.slide_at(position, timeout=2)["html"]
            assert time.monotonic() - t0 < 1.5
        assert not [d for n, d in mum.events if n == "slide" and d["position"] == 2]
    finally:
        holder.rollback()
        holder.close()
    assert mum.slide_at(2)
    assert _status(amara, "live")
    assert amara.goto(3)["ok"] and mum.slide_at(3)  # and later presses are ordinary again


def test_presses_while_slow_keep_only_the_last(app, database_url, live_server, school, phones):
    """Pressed three times while saving is slow: one change is stored, the last one; none is replayed."""
    if not database_url.startswith("sqlite"):
        pytest.skip("held with SQLite's write lock")
    student, mum = _presenter_and_phone(live_server, school, phones)
    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        for position in (1, 2, 3):
            assert student.goto(position)["slow"]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert mum.slide_at(3)
    time.sleep(0.5)
    assert [d["position"] for n, d in mum.events if n == "slide"] == [0, 3]
    with app.app_context():
        assert conferences.shown_positions(db.session(), school.conference.id) == {0, 3}
