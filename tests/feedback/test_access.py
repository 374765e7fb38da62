"""Who may and who may not, for every feedback and record route."""
import pytest

from conference_app import db
from conference_app.models import Conference
from tests.conftest import VIEWERS as CAST
from tests.feedback.conftest import end, join, participant_id, send, service

VIEWERS = [*CAST, "participant", "other_participant"]
LOGIN = 302  # to the sign-in page
PRESENTER = {"owner": 303, "coach": 303, "anonymous": LOGIN, "participant": LOGIN, "other_participant": LOGIN,
             "*": 404}
COACH = {"coach": 303, "anonymous": LOGIN, "participant": LOGIN, "other_participant": LOGIN, "*": 404}
RECORD = {"owner": 200, "coach": 200, "anonymous": LOGIN, "participant": LOGIN, "other_participant": LOGIN,
          "*": 404}

# (method, url, data, conference state, expected status by viewer)
ROUTES = [
    ("POST", "/live/{code}/feedback", {"body": "Hello", "kind": "praise", "client_key": "who-may-key-1"}, "live",
     {"participant": 303, "*": 404}),
    ("POST", "/conferences/{c}/feedback/{f}", {"field": "pinned", "value": "1"}, "live", PRESENTER),
    ("POST", "/conferences/{c}/show-feedback", {"on": "0"}, "live", PRESENTER),
    ("GET", "/conferences/{c}/coach", None, "live", {**COACH, "coach": 200}),
    ("POST", "/conferences/{c}/notes", {"body": "Notes"}, "live", COACH),
    ("POST", "/conferences/{c}/actions", {"text": "Read", "owner": "student"}, "live", COACH),
    ("POST", "/conferences/{c}/actions/{a}", {"text": "Read more", "owner": "family"}, "ended", COACH),
    ("POST", "/conferences/{c}/actions/{a}/delete", None, "ended", COACH),
    ("GET", "/live/{code}/closing", None, "ended", {"participant": 200, "*": 404}),
    ("POST", "/live/{code}/closing", {"stood_out": "All of it"}, "ended", {"participant": 303, "*": 404}),
    ("GET", "/conferences/{c}/record", None, "ended", RECORD),
    ("GET", "/conferences/{c}/record.html", None, "ended", RECORD),
    ("POST", "/conferences/{c}/reflection", {"body": "It went well"}, "ended",
     {**RECORD, "owner": 303, "coach": 403}),
]


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("method,url,data,state,table", ROUTES, ids=[f"{m} {u} ({s})" for m, u, _, s, _ in ROUTES])
def test_who_may(app, cast, who, method, url, data, state, table):
    school = cast.school
    client = cast.client(who)  # joins (as a participant) while the conference is still live
    mum = client if who == "participant" else join(app, school.conference.code, "Mum")
    assert send(mum, school.conference.code, "Lovely", key="seed-key-0001").status_code == 201
    with app.app_context():
        s = db.session()
        conference = s.get(Conference, school.conference.id)
        action = service.add_action(s, conference, school.coach.id, "Practise", "student", "")
        feedback_id = service.by_key(s, participant_id(app, school.conference.id, "Mum"), "seed-key-0001").id
    if state == "ended":
        end(app, school.conference.id)
    path = url.format(c=school.conference.id, code=school.conference.code, f=feedback_id, a=action.id)
    response = client.open(path, method=method, data=data)
    assert response.status_code == table.get(who, table.get("*")), response.text[:300]
    if response.status_code == LOGIN:
        assert "/login" in response.headers["Location"]


def test_a_participant_of_another_conference_cannot_send_here(app, cast):
    stranger = cast.client("other_participant")
    assert send(stranger, cast.school.conference.code, "Hi").status_code == 404
    assert send(stranger, cast.other_conference.code, "Hi").status_code == 201


def test_only_family_get_the_closing_form(app, cast):
    code = cast.school.conference.code
    governor = join(app, code, "Mr Governor", "governor")
    mum = join(app, code, "Mum")
    end(app, cast.school.conference.id)
    assert governor.get(f"/live/{code}/closing").status_code == 404
    thanks = governor.get(f"/live/{code}/thanks")
    assert thanks.status_code == 200 and "Thank you for coming, <bdi>Mr Governor</bdi>" in thanks.text
    assert mum.get(f"/live/{code}/thanks").headers["Location"].endswith(f"/live/{code}/closing")


def test_the_closing_form_closes_after_a_while(app, cast):
    code = cast.school.conference.code
    mum = join(app, code, "Mum")
    assert mum.get(f"/live/{code}/closing").status_code == 302  # still live: back to the slides
    end(app, cast.school.conference.id)
    assert mum.get(f"/live/{code}/closing").status_code == 200
    app.config["FAMILY_FORM_HOURS"] = 0
    # the phone's place in the conference ended with the closing form: nothing of it opens any more
    assert mum.get(f"/live/{code}/closing").status_code == 404
    assert mum.post(f"/live/{code}/closing", data={"stood_out": "x"}).status_code == 404
    assert mum.get(f"/live/{code}/thanks").status_code == 404
    app.config["FAMILY_FORM_HOURS"] = 48
    assert mum.get(f"/live/{code}/thanks").status_code == 404  # forgotten, not only hidden
