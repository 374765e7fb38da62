"""Feedback over Socket.IO against a real server (gevent, WebSocket) with real clients."""
import threading
import time

import pytest
import socketio
from sqlmodel import select

from conference_app import db
from conference_app.models import Feedback
from tests.feedback.conftest import XSS
from tests.live.clients import Phone, joined, signed_in


def connect(live_server, browser, school, phones, view="follower"):
    """A real client that, like feedback.js, asks for the feed on every (re)connect."""
    phone = Phone(live_server, browser, school.conference.id, view=view, connect=False)
    phone.sio.on("connect", lambda: (phone.sio.emit("sync", {}), phone.sio.emit("feedback_sync", {})))
    phone.sio.on("feedback_resync", lambda data=None: (phone._record("feedback_resync", data),
                                                       phone.sio.emit("feedback_sync", {})))
    phone.connect()
    phones.append(phone)
    return phone


def follower(live_server, school, phones, name, role="family"):
    return connect(live_server, joined(live_server, school.conference.code, name, role), school, phones)


def send(phone, school, body, key, kind="question", position=None):
    data = {"body": body, "kind": kind, "client_key": key}
    if position is not None:
        data["position"] = str(position)
    return phone.browser.htmx(f"/live/{school.conference.code}/feedback", data)


def feedback_id(app, body):
    with app.app_context():
        return db.session().exec(select(Feedback.id).where(Feedback.body == body)).one()


def test_new_feedback_appears_live_for_presenter_coach_and_phones(app, live_server, school, phones):
    presenter = connect(live_server, signed_in(live_server, "amara"), school, phones, "presenter")
    coach_panel = connect(live_server, signed_in(live_server, "coach"), school, phones, "presenter")
    mum, dad = follower(live_server, school, phones, "Mum"), follower(live_server, school, phones, "Dad")
    for phone in (presenter, coach_panel, mum, dad):
        phone.wait_for("feedback_list")
    assert send(mum, school, "LIVE-QUESTION", "rt-000000001").status_code == 201
    for moderator in (presenter, coach_panel):
        data = moderator.wait_for("feedback", lambda d: "LIVE-QUESTION" in d["html"])
        assert "Mark answered" in data["html"] and "Mum" in data["html"]  # the moderator's rendering
    for phone in (mum, dad):
        data = phone.wait_for("feedback", lambda d: "LIVE-QUESTION" in d["html"])
        # no moderation tools on phones (their one button is "Me too")
        assert "Mark answered" not in data["html"]
        assert f"/conferences/{school.conference.id}/feedback/" not in data["html"]
        assert "/me-too" in data["html"]
    # escaped in every push
    send(dad, school, XSS, "rt-000000002")
    for phone in (presenter, mum):
        html = phone.wait_for("feedback", lambda d: "alert(" in d["html"])["html"]
        assert "<script>" not in html and "<img src=x" not in html and "&lt;script&gt;" in html


def test_hidden_feedback_never_reaches_an_audience_connection_again(app, live_server, school, phones):
    coach_http = signed_in(live_server, "coach")
    coach_http.page(f"/conferences/{school.conference.id}/coach")
    moderator = connect(live_server, coach_http, school, phones, "presenter")
    mum, dad = follower(live_server, school, phones, "Mum"), follower(live_server, school, phones, "Dad")
    for phone in (moderator, mum, dad):
        phone.wait_for("feedback_list")
    send(mum, school, "SECRET-RUDE", "hide-0000001")
    send(dad, school, "KIND-WORDS", "hide-0000002", kind="praise")
    for phone in (mum, dad):
        phone.wait_for("feedback", lambda d: "KIND-WORDS" in d["html"])
        phone.wait_for("feedback", lambda d: "SECRET-RUDE" in d["html"])
    fid = feedback_id(app, "SECRET-RUDE")
    seen = {id(p): len(p.events) for p in (mum, dad)}
    answer = coach_http.htmx(f"/conferences/{school.conference.id}/feedback/{fid}", {"field": "hidden", "value": "1"})
    assert answer.status_code == 200 and "Hidden from phones" in answer.text
    for phone in (mum, dad):
        assert phone.wait_for("feedback_hidden", lambda d: d["id"] == fid)
    moderator.wait_for("feedback", lambda d: d["id"] == fid and "Hidden from phones" in d["html"])
    # more changes to the hidden item reach moderators only
    for field in ("pinned", "answered"):
        coach_http.htmx(f"/conferences/{school.conference.id}/feedback/{fid}", {"field": field, "value": "1"})
    moderator.wait_for("feedback", lambda d: d["id"] == fid and "Answered" in d["html"])
    # a new phone, a reconnect, a reload: the list they get lacks it
    late = follower(live_server, school, phones, "Uncle")
    assert "KIND-WORDS" in late.wait_for("feedback_list")["html"]
    mum.sio.disconnect()
    mum.connect()
    deadline = time.monotonic() + 5
    while sum(1 for n, _ in mum.events if n == "feedback_list") < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    # its sender keeps it, told that the others no longer see it (on a reload and a new connection's list);
    # nobody else gets it
    own = mum.browser.page(f"/live/{school.conference.code}").text
    assert "SECRET-RUDE" in own and "Not shown to everyone." in own
    relisted = connect(live_server, mum.browser, school, phones).wait_for("feedback_list")["html"]
    assert "SECRET-RUDE" in relisted and "Not shown to everyone." in relisted
    assert "SECRET-RUDE" not in dad.browser.page(f"/live/{school.conference.code}").text
    send(dad, school, "AFTER-HIDING", "hide-0000003")
    for phone in (mum, dad, late):
        phone.wait_for("feedback", lambda d: "AFTER-HIDING" in d["html"])
    assert "SECRET-RUDE" not in " ".join(str(d) for _, d in dad.events[seen[id(dad)]:])
    assert "SECRET-RUDE" not in late.payloads()
    # showing it again brings it back to phones
    coach_http.htmx(f"/conferences/{school.conference.id}/feedback/{fid}", {"field": "hidden", "value": "0"})
    late.wait_for("feedback", lambda d: "SECRET-RUDE" in d["html"])


def test_a_new_connection_gets_a_feed_of_questions_whoever_it_is(live_server, school, phones):
    """A feed of questions (their Me too and moderation buttons are URLs) reaches a phone and the presenter that
    (re)connect, though a Socket.IO event has no request of its own."""
    mum = follower(live_server, school, phones, "Mum")
    send(mum, school, "WHY-VOLCANOES", "resync-000001")
    gran = follower(live_server, school, phones, "Gran")
    assert "WHY-VOLCANOES" in gran.wait_for("feedback_list")["html"]
    presenter = connect(live_server, signed_in(live_server, "amara"), school, phones, "presenter")
    assert "WHY-VOLCANOES" in presenter.wait_for("feedback_list")["html"]


def test_retries_over_http_store_once_and_push_once(app, live_server, school, phones):
    presenter = connect(live_server, signed_in(live_server, "amara"), school, phones, "presenter")
    presenter.wait_for("feedback_list")
    mum = follower(live_server, school, phones, "Mum")
    statuses = []

    def tap():
        statuses.append(send(mum, school, "ONCE-ONLY", "retry-000001").status_code)

    threads = [threading.Thread(target=tap) for _ in range(5)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert 201 in statuses and set(statuses) <= {200, 201}
    presenter.wait_for("feedback", lambda d: "ONCE-ONLY" in d["html"])
    time.sleep(0.5)
    assert sum(1 for n, d in presenter.events if n == "feedback" and "ONCE-ONLY" in d["html"]) == statuses.count(201)
    with app.app_context():
        assert len(db.session().exec(select(Feedback)).all()) == 1


def test_with_show_feedback_off_phones_get_only_their_own(app, live_server, school, phones):
    student_http = signed_in(live_server, "amara")
    student_http.page(f"/conferences/{school.conference.id}/present")
    mum, dad = follower(live_server, school, phones, "Mum"), follower(live_server, school, phones, "Dad")
    for phone in (mum, dad):
        phone.wait_for("feedback_list")
    assert student_http.htmx(f"/conferences/{school.conference.id}/show-feedback", {"on": "0"}).status_code == 200
    for phone in (mum, dad):
        phone.wait_for("feedback_resync")
        phone.wait_for("feedback_list", lambda d: d["show_all"] is False)
    send(dad, school, "DADS-OWN", "own-00000001")
    dad.wait_for("feedback", lambda d: "DADS-OWN" in d["html"])
    send(mum, school, "MUMS-OWN", "own-00000002")
    mum.wait_for("feedback", lambda d: "MUMS-OWN" in d["html"])
    time.sleep(0.3)
    assert "DADS-OWN" not in mum.payloads() and "MUMS-OWN" not in dad.payloads()


def test_strangers_get_no_feed(live_server, school, phones):
    mum = follower(live_server, school, phones, "Mum")
    mum.wait_for("feedback_list")
    send(mum, school, "PRIVATE-TO-THIS-CONFERENCE", "str-00000001")
    other = signed_in(live_server, "leo")
    assert other.htmx(f"/live/{school.conference.code}/feedback",
                      {"body": "x", "kind": "question", "client_key": "str-00000002"}).status_code == 404
    with pytest.raises(socketio.exceptions.ConnectionError):  # refused: not in this conference
        connect(live_server, other, school, phones)
