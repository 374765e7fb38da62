"""Linking work to competencies and self-assessing: who may and may not; the growth page; private work."""
from datetime import date

import pytest
from sqlmodel import select

from conference_app import db
from conference_app.models import Goal, PortfolioItem, SelfAssessment

from tests.conftest import VIEWERS
from tests.growth.conftest import assess


def _placements(app):
    with app.app_context():
        return [(a.item_id, a.competency_id, a.author_id, a.step_id, a.why)
                for a in db.session().exec(select(SelfAssessment).order_by(SelfAssessment.id))]


@pytest.mark.parametrize("who", VIEWERS)
def test_only_the_student_links_work_and_says_where_they_are(app, people, growth, who):
    step = growth.steps[1]
    response = assess(people.client(who), growth.shared.id, growth.talking.id, step.id, "I explained it.")
    expected = {"owner": 303, "coach": 409, "anonymous": 302}.get(who, 404)  # a coach adds a view, not a link
    assert response.status_code == expected, response.text[:300]
    stored = _placements(app)
    assert stored == ([(growth.shared.id, growth.talking.id, people.owner.id, step.id, "I explained it.")]
                      if who == "owner" else [])


@pytest.mark.parametrize("who", VIEWERS)
def test_a_coach_of_the_student_adds_a_view_beside_the_students(app, people, growth, who):
    assess(people.client("owner"), growth.shared.id, growth.talking.id, growth.steps[1].id, "mine")
    response = assess(people.client(who), growth.shared.id, growth.talking.id, growth.steps[2].id, "coach says")
    assert response.status_code == {"owner": 303, "coach": 303, "anonymous": 302}.get(who, 404)
    page = people.client("owner").get(f"/portfolio/items/{growth.shared.id}").text
    assert ("coach says" in page) == (who in ("owner", "coach"))  # the owner changed their own
    assert ("(coach)" in page) == (who == "coach")
    if who == "coach":
        assert "Coach (coach)" in page and growth.steps[2].name in page


def test_the_answer_to_htmx_is_the_panel_and_bad_input_is_a_422(app, people, growth):
    owner = people.client("owner")
    ok = assess(owner, growth.shared.id, growth.thinking.id, growth.steps[0].id, headers={"HX-Request": "true"})
    assert ok.status_code == 200 and ok.text.lstrip().startswith("{#") is False and 'id="growth"' in ok.text
    assert "Critical thinking" in ok.text
    for data in ({"competency_id": 999, "step_id": growth.steps[0].id}, {"competency_id": growth.talking.id},
                 {"competency_id": "x", "step_id": "y"}):
        bad = owner.post(f"/growth/items/{growth.shared.id}/assess", data=data, headers={"HX-Request": "true"})
        assert bad.status_code == 422 and 'id="growth"' in bad.text
    long = assess(owner, growth.shared.id, growth.talking.id, growth.steps[0].id, "x" * 1001)
    assert long.status_code == 422 and "under 1000 characters" in long.text


def test_unlinking_removes_every_view_and_a_coach_removes_only_their_own(app, people, growth):
    owner, coach = people.client("owner"), people.client("coach")
    assess(owner, growth.shared.id, growth.talking.id, growth.steps[0].id)
    assess(coach, growth.shared.id, growth.talking.id, growth.steps[1].id)
    url = f"/growth/items/{growth.shared.id}/assess/{growth.talking.id}/delete"
    assert people.client("other_coach").post(url).status_code == 404
    assert coach.post(url).status_code == 303
    assert [p[2] for p in _placements(app)] == [people.owner.id]
    assess(coach, growth.shared.id, growth.talking.id, growth.steps[1].id)
    assert owner.post(url).status_code == 303
    assert _placements(app) == []


def test_nobody_links_a_private_item_but_its_student(app, people, growth):
    assert assess(people.client("owner"), growth.private.id, growth.thinking.id, growth.steps[3].id).status_code == 303
    assert assess(people.client("coach"), growth.private.id, growth.thinking.id, growth.steps[0].id).status_code == 404


def test_the_growth_page_shows_each_competency_in_time_order(app, make, people, growth):
    owner = people.owner
    later = make.item(owner, title="LATE-WORK", made_on=date(2026, 6, 1), visibility="coach")
    early = make.item(owner, title="EARLY-WORK", made_on=date(2026, 1, 1), visibility="coach")
    client = people.client("owner")
    assess(client, later.id, growth.thinking.id, growth.steps[2].id, "now I test things")
    assess(client, early.id, growth.thinking.id, growth.steps[0].id, "I guessed")
    for who in ("owner", "coach"):
        page = people.client(who).get("/growth/" if who == "owner" else f"/growth/students/{owner.id}").text
        assert page.index("EARLY-WORK") < page.index("LATE-WORK")
        assert page.index("I guessed") < page.index("now I test things")
        assert "Critical thinking" in page and "Communicating" not in page  # no evidence: not listed
        for word in ("average", "Average", "score", "rank"):
            assert word not in page


@pytest.mark.parametrize("who", VIEWERS)
def test_who_may_open_a_growth_page(people, growth, who):
    response = people.client(who).get(f"/growth/students/{people.owner.id}")
    assert response.status_code == {"owner": 200, "coach": 200, "anonymous": 302}.get(who, 404)
    assert people.client(who).get("/growth/").status_code == {"owner": 200, "other_student": 200,
                                                              "anonymous": 302}.get(who, 403)


def test_a_coach_sees_nothing_of_a_private_item_on_the_growth_page(app, people, growth):
    client = people.client("owner")
    assess(client, growth.private.id, growth.thinking.id, growth.steps[3].id, "PRIVATE-WHY")
    assess(client, growth.shared.id, growth.talking.id, growth.steps[1].id, "shared why")
    mine = client.get("/growth/").text
    assert "SECRET-DIARY" in mine and "PRIVATE-WHY" in mine
    coach = people.client("coach").get(f"/growth/students/{people.owner.id}").text
    assert "shared why" in coach
    for secret in ("SECRET-DIARY", "PRIVATE-WHY", "Critical thinking"):
        assert secret not in coach  # not its title, its reason, nor the competency only it evidences
    assert coach.count('class="timeline__step"') == 1 and mine.count('class="timeline__step"') == 2
    with app.app_context():  # made private later: gone from the coach's page too
        s = db.session()
        s.get(PortfolioItem, growth.shared.id).visibility = "private"
        s.commit()
    assert "shared why" not in people.client("coach").get(f"/growth/students/{people.owner.id}").text


def test_a_goal_is_tied_to_a_competency_by_its_student_only(app, people, growth):
    with app.app_context():
        s = db.session()
        goal = Goal(student_id=people.owner.id, text="Ask one question a day")
        s.add(goal)
        s.commit()
        goal_id = goal.id
    url = f"/growth/goals/{goal_id}"
    assert people.client("other_student").post(url, data={"competency_id": growth.talking.id}).status_code == 404
    assert people.client("coach").post(url, data={"competency_id": growth.talking.id}).status_code == 403
    assert people.client("owner").post(url, data={"competency_id": 4242}).status_code == 422
    assert people.client("owner").post(url, data={"competency_id": growth.talking.id}).status_code == 303
    page = people.client("coach").get(f"/growth/students/{people.owner.id}").text
    assert "Communicating" in page and "Ask one question a day" in page
    assert people.client("owner").post(url, data={"competency_id": 0}).status_code == 303
    assert "Ask one question a day" not in people.client("coach").get(f"/growth/students/{people.owner.id}").text
