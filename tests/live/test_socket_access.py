"""Who may, for every Socket.IO event, audience identities included (python-socketio's own handlers, through
Flask-SocketIO's test client: the real server code without the network)."""
import pytest

from conference_app import db
from conference_app.live import conferences
from conference_app.models import Conference


def _phone(app, conference: Conference, name: str = "Mum"):
    with app.app_context():
        s = db.session()
        participant = conferences.join(s, s.get(Conference, conference.id), name, "family")
    phone = app.test_client()
    with phone.session_transaction() as sess:
        sess["joined"] = {str(conference.id): participant.token}
    return phone, participant


@pytest.fixture
def audience(app, make, school):
    mum, _ = _phone(app, school.conference)
    removed, gone = _phone(app, school.conference, "Removed")
    other_conference = make.conference(make.student("zoe"))
    other, _ = _phone(app, other_conference, "Other mum")
    with app.app_context():
        s = db.session()
        conferences.remove(s, s.get(Conference, school.conference.id), gone.id)
    people = school.people
    return {"phone": mum, "removed phone": removed, "another conference's phone": other,
            "owner": people.client("owner"), "coach": people.client("coach"),
            "other coach": people.client("other_coach"), "other student": people.client("other_student"),
            "admin": people.client("admin"), "anonymous": app.test_client()}


# who may connect as which view of the school's conference
MAY_CONNECT = {"follower": {"phone"}, "presenter": {"owner", "coach"}, "screen": {"owner", "coach"}}


@pytest.mark.parametrize("view", sorted(MAY_CONNECT))
def test_who_may_connect(app, school, audience, view):
    socketio = app.extensions["socketio"]
    for who, browser in audience.items():
        client = socketio.test_client(app, flask_test_client=browser,
                                      auth={"conference": school.conference.id, "view": view})
        assert client.is_connected() == (who in MAY_CONNECT[view]), (who, view)
        if client.is_connected():
            client.disconnect()


def test_only_a_presenter_changes_the_slide_and_every_view_may_sync(app, school, audience):
    socketio = app.extensions["socketio"]
    conference = school.conference.id
    phone = socketio.test_client(app, flask_test_client=audience["phone"], auth={"conference": conference,
                                                                                 "view": "follower"})
    assert phone.emit("sync", {}, callback=True)["ok"] is True
    assert phone.emit("goto", {"position": 3}, callback=True)["ok"] is False
    assert phone.emit("feedback_sync", {}, callback=True) is not None
    coach = socketio.test_client(app, flask_test_client=audience["coach"], auth={"conference": conference,
                                                                                 "view": "presenter"})
    assert coach.emit("goto", {"position": 1}, callback=True) == {"ok": True, "seq": 2, "position": 1}
    with app.app_context():
        assert db.session().get(Conference, conference).position == 1
    phone.disconnect()
    coach.disconnect()


def test_after_the_end_no_one_connects(app, school, audience):
    """An ended conference has no live views: phones find their way to the thank-you page by HTTP."""
    socketio = app.extensions["socketio"]
    with app.app_context():
        s = db.session()
        conferences.end(s, s.get(Conference, school.conference.id))
    for who, view in (("phone", "follower"), ("owner", "presenter"), ("coach", "screen")):
        client = socketio.test_client(app, flask_test_client=audience[who],
                                      auth={"conference": school.conference.id, "view": view})
        assert not client.is_connected(), who
