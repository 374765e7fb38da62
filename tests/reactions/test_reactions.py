"""Reactions against the real server (gevent, WebSocket): shown to the presenter and the projector, added up,
never with names and never to another conference; limited per phone; counted per slide in the record."""
import time

from sqlmodel import select

from conference_app import db
from conference_app.live import conferences
from conference_app.models import Conference, ReactionCount

from tests.live.clients import Phone, joined, signed_in
from tests.servers import media_on_live_server, server_fixture


live_server = server_fixture("reactions", REACTION_RATE_LIMIT="3 per 10 seconds")
app_config = media_on_live_server


def _counts(app, conference_id, timeout=5.0):
    """The stored counts, once the server has written them (it writes once a second)."""
    deadline = time.monotonic() + timeout
    while True:
        with app.app_context():
            rows = db.session().exec(select(ReactionCount).where(ReactionCount.conference_id == conference_id)).all()
            counts = {(r.position, r.kind): r.count for r in rows}
        if counts or time.monotonic() > deadline:
            return counts
        time.sleep(0.2)


def test_reactions_reach_presenter_and_projector_of_this_conference_only_and_are_counted(
        app, make, live_server, school, phones):
    cid, code = school.conference.id, school.conference.code
    presenter = Phone(live_server, signed_in(live_server, "amara"), cid, view="presenter")
    screen = Phone(live_server, signed_in(live_server, "coach"), cid, view="screen")
    mum = Phone(live_server, joined(live_server, code, "Mum"), cid)
    dad = Phone(live_server, joined(live_server, code, "Dad"), cid)
    other = make.conference(make.student("zoe"))
    stranger_presenter = Phone(live_server, signed_in(live_server, "zoe"), other.id, view="presenter")
    phones.extend([presenter, screen, mum, dad, stranger_presenter])
    presenter.slide_at(0)

    assert mum.sio.call("react", {"kind": "clap"}, timeout=5) == {"ok": True}
    assert dad.sio.call("react", {"kind": "clap"}, timeout=5) == {"ok": True}
    presenter.goto(1)
    mum.slide_at(1)
    assert mum.sio.call("react", {"kind": "hand"}, timeout=5) == {"ok": True}
    for view in (presenter, screen):
        view.wait_for("reaction", lambda d: d["kind"] == "hand" and d["position"] == 1)
        claps = [d for name, d in view.events if name == "reaction" and d["kind"] == "clap"]
        assert len(claps) == 2 and all(d["position"] == 0 for d in claps)
        assert "Mum" not in str([d for name, d in view.events if name == "reaction"])  # never a name
    assert not [e for e in stranger_presenter.events if e[0] == "reaction"]
    assert not [e for e in dad.events if e[0] == "reaction"]  # phones do not see each other's
    # the record counts them per slide
    assert _counts(app, cid) == {(0, "clap"): 2, (1, "hand"): 1}
    with app.app_context():
        s = db.session()
        conferences.end(s, s.get(Conference, cid))
    record = signed_in(live_server, "amara").page(f"/conferences/{cid}/record")
    assert record.status_code == 200 and "Reactions" in record.text and "👏" in record.text


def test_a_phone_is_limited_and_bad_reactions_are_refused(app, live_server, school, phones):
    cid, code = school.conference.id, school.conference.code
    mum = Phone(live_server, joined(live_server, code, "Mum"), cid)
    presenter = Phone(live_server, signed_in(live_server, "amara"), cid, view="presenter")
    phones.extend([mum, presenter])
    mum.slide_at(0)
    answers = [mum.sio.call("react", {"kind": "heart"}, timeout=5) for _ in range(5)]
    assert [a["ok"] for a in answers] == [True, True, True, False, False]
    assert answers[-1]["limited"] and "Slow down" in answers[-1]["error"]
    for bad in ({"kind": "poo"}, {"kind": ["clap"]}, "clap", None, {"kind": "clap" * 1000}):
        assert mum.sio.call("react", bad, timeout=5)["ok"] is False
    # the presenter cannot react (only phones do)
    assert presenter.sio.call("react", {"kind": "clap"}, timeout=5)["ok"] is False
    assert _counts(app, cid) == {(0, "heart"): 3}


def test_another_conferences_phone_never_reaches_this_one_and_an_ended_one_takes_none(
        app, make, live_server, school, phones):
    cid, code = school.conference.id, school.conference.code
    other = make.conference(make.student("zoe"))
    presenter = Phone(live_server, signed_in(live_server, "amara"), cid, view="presenter")
    theirs = joined(live_server, other.code, "Their mum")
    their_phone = Phone(live_server, theirs, other.id)
    mum = Phone(live_server, joined(live_server, code, "Mum"), cid)
    phones.extend([presenter, their_phone, mum])
    presenter.slide_at(0)
    their_phone.slide_at(0)
    assert their_phone.sio.call("react", {"kind": "wow"}, timeout=5) == {"ok": True}
    # the same phone asking for this conference's room is not let in, so it can react only into its own
    try:
        sneaking = Phone(live_server, theirs, cid)
        phones.append(sneaking)
        answer = sneaking.sio.call("react", {"kind": "wow"}, timeout=5) if sneaking.sio.connected else {"ok": False}
        assert answer["ok"] is False
    except Exception as refused:  # refused at connect: the Socket.IO client raises
        assert "onnect" in type(refused).__name__ + str(refused)
    assert mum.sio.call("react", {"kind": "think"}, timeout=5) == {"ok": True}
    presenter.wait_for("reaction", lambda d: d["kind"] == "think")
    assert not [d for name, d in presenter.events if name == "reaction" and d["kind"] == "wow"]
    assert _counts(app, cid) == {(0, "think"): 1}
    assert _counts(app, other.id) == {(0, "wow"): 1}
    with app.app_context():
        s = db.session()
        conferences.end(s, s.get(Conference, cid))
    assert mum.sio.call("react", {"kind": "think"}, timeout=5)["ok"] is False if mum.sio.connected else True
    assert _counts(app, cid) == {(0, "think"): 1}  # the record's count stays what it was
