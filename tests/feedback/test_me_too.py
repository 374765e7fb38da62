"""'Me too' on another phone's question: once per phone, counted for everyone, shown to moderators and in
the record; who may and may not."""
import pytest

from conference_app import db
from conference_app.feedback import service
from conference_app.live import conferences
from conference_app.models import Conference, Feedback


def _phone(app, conference_id: int, name: str):
    with app.app_context():
        s = db.session()
        participant = conferences.join(s, s.get(Conference, conference_id), name, "family")
    phone = app.test_client()
    with phone.session_transaction() as sess:
        sess["joined"] = {str(conference_id): participant.token}
    return phone, participant


def _feedback(app, conference_id: int, participant, kind="question", body="How long did it take?") -> int:
    with app.app_context():
        s = db.session()
        fb, _ = service.send(s, s.get(Conference, conference_id), participant, kind=kind, body=body, position=0,
                             client_key=service.new_key())
        return fb.id


@pytest.fixture
def room(app, make, school):
    cid = school.conference.id
    mum, mum_p = _phone(app, cid, "Mum")
    dad, _ = _phone(app, cid, "Dad")
    gran, _ = _phone(app, cid, "Gran")
    question = _feedback(app, cid, mum_p)
    comment = _feedback(app, cid, mum_p, kind="comment", body="Lovely colours")
    other, _ = _phone(app, make.conference(make.student("zoe")).id, "Other mum")
    return dict(cid=cid, code=school.conference.code, mum=mum, dad=dad, gran=gran, other=other, question=question,
                comment=comment, school=school)


def _count(app, feedback_id):
    with app.app_context():
        return db.session().get(Feedback, feedback_id).me_too


def test_a_phone_adds_itself_once_and_everyone_sees_the_count(app, room):
    url = f"/live/{room['code']}/feedback/{room['question']}/me-too"
    first = room["dad"].post(url, headers={"HX-Request": "true"})
    assert first.status_code == 200 and "1 more asks this too" in first.text
    assert room["dad"].post(url, headers={"HX-Request": "true"}).status_code == 200  # a second tap: still one
    assert _count(app, room["question"]) == 1
    room["gran"].post(url, headers={"HX-Request": "true"})
    assert _count(app, room["question"]) == 2
    coach_view = room["school"].people.client("owner").get(f"/conferences/{room['cid']}/present").text
    assert "2 more ask this too" in coach_view and "Most asked first" in coach_view
    with app.app_context():
        s = db.session()
        conferences.end(s, s.get(Conference, room["cid"]))
    record = room["school"].people.client("coach").get(f"/conferences/{room['cid']}/record").text
    assert "2 more asked this too" in record


def test_who_may_not_add_themselves(app, room):
    code, question = room["code"], room["question"]
    url = f"/live/{code}/feedback/{question}/me-too"
    assert room["mum"].post(url).status_code == 409  # their own question
    assert room["dad"].post(f"/live/{code}/feedback/{room['comment']}/me-too").status_code == 409  # not a question
    assert room["other"].post(url).status_code == 404  # another conference's phone
    assert room["school"].people.client("coach").post(url).status_code == 404  # not a phone of it
    assert room["school"].people.client("anonymous").post(url).status_code == 404
    assert room["dad"].post(f"/live/{code}/feedback/{2**31 - 1}/me-too").status_code == 404
    with app.app_context():
        s = db.session()
        conference = s.get(Conference, room["cid"])
        conference.show_feedback = False
        s.commit()
    assert room["dad"].post(url).status_code == 409  # phones do not see each other's questions now
    assert _count(app, question) == 0
