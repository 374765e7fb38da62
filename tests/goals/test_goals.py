"""The student's goals in their own room: who may, the plain form and htmx, bad input."""
import pytest
from sqlmodel import select

from conference_app import db
from conference_app.models import Goal
from tests.conftest import VIEWERS

HX = {"HX-Request": "true"}
PAGE = {"owner": 200, "other_student": 200, "anonymous": 302, "*": 403}  # a student sees only their own


@pytest.mark.parametrize("who", VIEWERS)
def test_who_may_open_the_goals_page(app, people, who):
    if who == "owner":
        people.client("owner").post("/goals/", data={"text": "AMARA-GOAL"})
    r = people.client(who).get("/goals/")
    assert r.status_code == PAGE.get(who, PAGE["*"]), who
    if r.status_code == 302:
        assert "/login" in r.headers["Location"]
    assert ("AMARA-GOAL" in r.text) == (who == "owner")


def test_plain_form_adds_ticks_off_and_removes_with_a_page_each_time(app, people):
    owner = people.client("owner")
    r = owner.post("/goals/", data={"text": "Read every night"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/goals/")
    page = owner.get("/goals/").text
    assert "Goal added." in page and "Read every night" in page
    with app.app_context():
        goal = db.session().exec(select(Goal)).one()
    assert owner.post(f"/goals/{goal.id}/toggle").status_code == 303
    assert "Well done!" in owner.get("/goals/").text
    assert owner.post(f"/goals/{goal.id}/delete").status_code == 303
    with app.app_context():
        assert db.session().exec(select(Goal)).all() == []


def test_refused_input_comes_back_in_the_form_with_its_error(app, people):
    owner = people.client("owner")
    for client_headers in (HX, {}):
        r = owner.post("/goals/", data={"text": "   "}, headers=client_headers)
        assert r.status_code == 422 and 'id="goal-box"' in r.text
        assert 'class="error" id="goal-text-error" role="alert"' in r.text and 'aria-invalid="true"' in r.text
    r = owner.post("/goals/", data={"text": "x" * 501}, headers=HX)
    assert r.status_code == 422 and "500" in r.text and "HX-Retarget" not in r.headers  # into its own box
    with app.app_context():
        assert db.session().exec(select(Goal)).all() == []
