"""The live conference against a real server (gevent, WebSocket) with real Socket.IO clients."""
import time

import pytest
import socketio
from sqlmodel import select

from conference_app import db
from conference_app.models import Conference, MediaFile, Participant
from tests.live.clients import Browser, Phone, joined, signed_in


def presenter(live_server, school, phones, username="amara", view="presenter"):
    phone = Phone(live_server, signed_in(live_server, username), school.conference.id, view=view)
    phones.append(phone)
    return phone


def follower(live_server, school, phones, name="Grandma Rose", role="family"):
    phone = Phone(live_server, joined(live_server, school.conference.code, name, role), school.conference.id)
    phones.append(phone)
    return phone


def stored_position(app, conference_id):
    with app.app_context():
        return db.session().get(Conference, conference_id).position


def test_join_and_slides_follow_the_presenter(app, live_server, school, phones):
    student = presenter(live_server, school, phones)
    mum, dad = follower(live_server, school, phones, "Mum"), follower(live_server, school, phones, "Dad")
    for phone in (mum, dad):
        assert "SLIDE-ZERO" in phone.slide_at(0)["html"]
    assert student.slide_at(0)
    seqs = []
    for position in (1, 2, 3, 2):
        answer = student.goto(position)
        assert answer["ok"] and answer["position"] == position
        seqs.append(answer["seq"])
        for phone in (mum, dad):
            assert phone.wait_for("slide", lambda d, seq=answer["seq"]: d["seq"] == seq)["position"] == position
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert stored_position(app, school.conference.id) == 2
    arrived = [d["seq"] for name, d in mum.events if name == "slide"]
    assert arrived == sorted(arrived)  # in order
    assert "LATER-WORK" in mum.slide_at(3)["html"]


def test_a_follower_cannot_change_the_slide(app, live_server, school, phones):
    mum = follower(live_server, school, phones)
    mum.slide_at(0)
    assert mum.goto(3) == {"ok": False, "error": "Only the presenter can change slides."}
    time.sleep(0.3)
    assert stored_position(app, school.conference.id) == 0
    assert [d["position"] for n, d in mum.events if n == "slide"] == [0]
    # claiming to be the presenter in the handshake does not make one
    with pytest.raises(socketio.exceptions.ConnectionError):
        Phone(live_server, mum.browser, school.conference.id, view="presenter")


def test_strangers_cannot_connect(live_server, school, phones):
    with pytest.raises(socketio.exceptions.ConnectionError):
        Phone(live_server, Browser(live_server), school.conference.id)  # never joined
    with pytest.raises(socketio.exceptions.ConnectionError):
        Phone(live_server, signed_in(live_server, "othercoach"), school.conference.id, view="presenter")
    with pytest.raises(socketio.exceptions.ConnectionError):
        Phone(live_server, signed_in(live_server, "leo"), school.conference.id, view="screen")


def test_followers_never_get_talking_points_or_unshown_slides(app, live_server, school, phones):
    student = presenter(live_server, school, phones)
    mum = follower(live_server, school, phones)
    page = mum.browser.page(f"/live/{school.conference.code}").text
    assert "SLIDE-ZERO" in page
    for secret in ("SECRET-TALK", "SECTION-TWO", "LATER-WORK", "First picture"):
        assert secret not in page
    student.goto(1)
    mum.slide_at(1)
    assert "First picture" in mum.payloads() and "Ask me how" in mum.payloads()
    for secret in ("SECRET-TALK", "SECTION-TWO", "LATER-WORK"):
        assert secret not in mum.payloads()
    assert "SECRET-TALK-1" in student.payloads()  # the presenter does get them
    # looking back is allowed for shown slides only
    code = school.conference.code
    assert mum.browser.page(f"/live/{code}/slides/0").status_code == 200
    assert mum.browser.page(f"/live/{code}/slides/3").status_code == 404
    # and so are the pictures
    with app.app_context():
        files = db.session().exec(select(MediaFile).where(MediaFile.variant == "phone")).all()
    shown = next(f for f in files if f.item_id == school.slides[1].item_id)
    unshown = next(f for f in files if f.item_id == school.slides[3].item_id)
    assert mum.browser.page(f"/media/{shown.id}").status_code == 200
    assert mum.browser.page(f"/media/{unshown.id}").status_code == 404
    student.goto(3)
    mum.slide_at(3)
    assert mum.browser.page(f"/media/{unshown.id}").status_code == 200
    assert mum.browser.page(f"/live/{code}/slides/3").status_code == 200


def test_late_joiner_and_reconnect_land_on_the_current_slide(live_server, school, phones):
    student = presenter(live_server, school, phones)
    mum = follower(live_server, school, phones)
    student.goto(2)
    mum.slide_at(2)
    late = follower(live_server, school, phones, "Uncle Sam")
    assert late.slide_at(2)
    mum.sio.disconnect()
    student.goto(3)
    mum.connect()
    assert mum.slide_at(3)
    reloaded = mum.browser.page(f"/live/{school.conference.code}").text
    assert "LATER-WORK" in reloaded  # a reload shows the current slide too


def test_removed_participant_leaves_at_once_and_cannot_rejoin(app, live_server, school, phones):
    student_http = signed_in(live_server, "amara")
    student_http.page(f"/conferences/{school.conference.id}/present")
    lurker = follower(live_server, school, phones, "Lurker", "guest")
    lurker.slide_at(0)
    with app.app_context():
        pid = db.session().exec(select(Participant.id).where(Participant.display_name == "Lurker")).one()
    answer = student_http.htmx(f"/conferences/{school.conference.id}/participants/{pid}/remove")
    assert answer.status_code == 200 and "Lurker" not in answer.text
    assert lurker.wait_for("removed")
    deadline = time.monotonic() + 5
    while lurker.sio.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not lurker.sio.connected
    assert lurker.browser.page(f"/j/{school.conference.code}").status_code == 403
    assert lurker.browser.page(f"/live/{school.conference.code}").status_code == 403
    with pytest.raises(socketio.exceptions.ConnectionError):
        Phone(live_server, lurker.browser, school.conference.id)


def test_lock_stops_new_joins(live_server, school, phones):
    student_http = signed_in(live_server, "amara")
    student_http.page(f"/conferences/{school.conference.id}/present")
    inside = joined(live_server, school.conference.code, "Mum")
    assert student_http.htmx(f"/conferences/{school.conference.id}/lock", {"locked": "1"}).status_code == 200
    assert Browser(live_server).page(f"/j/{school.conference.code}").status_code == 423
    assert inside.page(f"/live/{school.conference.code}").status_code == 200  # already in: stays in
    student_http.htmx(f"/conferences/{school.conference.id}/lock", {"locked": "0"})
    assert Browser(live_server).page(f"/j/{school.conference.code}").status_code == 200


def test_end_sends_everyone_to_thanks_and_the_code_stops_working(live_server, school, phones):
    student_http = signed_in(live_server, "amara")
    student_http.page(f"/conferences/{school.conference.id}/present")
    mum = follower(live_server, school, phones)
    mum.slide_at(0)
    assert student_http.post_form(f"/conferences/{school.conference.id}/end").status_code == 303
    ended = mum.wait_for("ended")
    assert ended["url"] == f"/live/{school.conference.code}/thanks"
    closing = mum.browser.page(ended["url"])  # a family member gets the closing form first (issue 5)
    assert closing.url.endswith(f"/live/{school.conference.code}/closing") and "Before you go" in closing.text
    assert "Thank you for coming, <bdi>Grandma Rose</bdi>" in mum.browser.page(ended["url"] + "?skip=1").text
    assert Browser(live_server).page(f"/j/{school.conference.code}").status_code == 410
    with pytest.raises(socketio.exceptions.ConnectionError):
        Phone(live_server, mum.browser, school.conference.id)


def test_coach_joins_as_coach_and_may_drive(live_server, school, phones):
    coach_http = signed_in(live_server, "coach")
    page = coach_http.page(f"/j/{school.conference.code}")
    assert "You will join as their coach" in page.text
    assert coach_http.post_form(f"/j/{school.conference.code}", {"name": "Ms Okafor"}).status_code == 200
    coach_phone = Phone(live_server, coach_http, school.conference.id)
    phones.append(coach_phone)
    coach_phone.slide_at(0)
    driver = presenter(live_server, school, phones, "coach")
    assert driver.goto(1)["ok"]
    assert coach_phone.slide_at(1)


def test_a_coach_who_moves_to_the_coach_panel_still_shows_as_connected(live_server, school, phones):
    student = presenter(live_server, school, phones)
    coach_http = signed_in(live_server, "coach")
    coach_http.page(f"/j/{school.conference.code}")
    coach_http.post_form(f"/j/{school.conference.code}", {"name": "Ms Okafor"})
    slides = Phone(live_server, coach_http, school.conference.id)
    student.shows_connected("Ms Okafor")
    panel = Phone(live_server, coach_http, school.conference.id, view="presenter")  # the coach panel's socket
    phones.append(panel)
    panel.wait_for("presenter")
    slides.close()  # the phone leaves the slides for the panel: still connected
    time.sleep(0.5)
    assert student.connected_people() == {"Ms Okafor": True}
    panel.close()  # and now it has gone
    student.shows_connected("Ms Okafor", False)


def test_work_made_private_or_deleted_mid_conference_leaves_the_phones_at_once(live_server, school, phones):
    student = presenter(live_server, school, phones)
    mum = follower(live_server, school, phones, "Mum")
    student.goto(1)
    assert "First picture" in mum.slide_at(1)["html"]
    first, later = school.slides[1].item_id, school.slides[3].item_id
    student.browser.page(f"/portfolio/items/{first}/edit")
    assert student.browser.post_form(f"/portfolio/items/{first}/edit", {
        "title": "First picture", "alt_text": "A red square", "visibility": "private"}).status_code == 303
    again = mum.wait_for("slide", lambda d: d["position"] == 1 and "not shown to the audience" in d["html"])
    assert "First picture" not in again["html"] and "/media/" not in again["html"]
    # deleted work: its slide keeps its place, withheld, and the conference moves on past it
    student.browser.page(f"/portfolio/items/{later}")
    assert student.browser.post_form(f"/portfolio/items/{later}/delete").status_code == 303
    assert student.goto(3)["ok"]
    assert "not shown to the audience" in mum.slide_at(3)["html"] and "LATER-WORK" not in mum.payloads()
    assert student.goto(4)["ok"]
    assert "Questions for you" in mum.slide_at(4)["html"]


def test_server_restart_mid_conference_loses_nothing(app, live_server, school, phones):
    student = presenter(live_server, school, phones)
    mum = follower(live_server, school, phones)
    student.goto(2)
    mum.slide_at(2)
    live_server.kill()
    live_server.start()
    # both clients reconnect by themselves and ask for the state
    deadline = time.monotonic() + 10
    while not (mum.sio.connected and student.sio.connected) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert mum.sio.connected and student.sio.connected
    mum.events.clear()
    mum.sio.emit("sync", {})
    assert mum.slide_at(2)
    assert student.goto(3)["ok"]
    assert mum.slide_at(3)
    assert stored_position(app, school.conference.id) == 3


@pytest.mark.parametrize("auth", ["conference", ["conference", 1], {"conference": 2**70}, {"conference": "1"},
                                  {"conference": True}, {"conference": 1, "view": ["presenter"]}])
def test_a_handshake_of_the_wrong_shape_is_refused_without_a_traceback(live_server, school, auth):
    mum = joined(live_server, school.conference.code, "Mum")
    client = socketio.Client(reconnection=False)
    try:
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(live_server.url, headers={"Cookie": mum.cookie_header}, auth=auth,
                           transports=["websocket"], wait_timeout=5)
    finally:
        client.disconnect()
        client.eio.disconnect()
        mum.close()
    assert "Traceback" not in live_server.log.read_text()


@pytest.mark.parametrize("payload", [[3], "3", {"position": "3"}, {"position": 2**70}, {"position": None}, None,
                                     {"position": True}])
def test_a_slide_change_of_the_wrong_shape_gets_an_answer_not_a_traceback(app, live_server, school, phones,
                                                                          payload):
    student = presenter(live_server, school, phones)
    student.slide_at(0)
    answer = student.sio.call("goto", payload, timeout=5)
    assert answer == {"ok": False, "error": "That slide change was not understood."}
    assert student.goto(1)["ok"]  # the connection is still fine
    assert "Traceback" not in live_server.log.read_text()
