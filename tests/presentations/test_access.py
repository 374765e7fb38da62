"""Who may and who may not, for every presentations route.

The cast: student A (owner), student B, A's coach, another coach, an admin, anonymous.
Only the owner edits; the owner's coach views and comments; everybody else gets a 404 (ids reveal
nothing), anonymous is sent to sign in.
"""
import pytest
from sqlmodel import select

from conference_app import db
from conference_app.auth.accounts import set_coaches
from conference_app.models import Goal, RehearsalComment, Slide, SlideKind
from tests.conftest import VIEWERS

VIEW = {"owner": 200, "coach": 200, "anonymous": 302, "*": 404}
EDIT_HTMX = {"owner": 200, "coach": 403, "anonymous": 302, "*": 404}
EDIT_FORM = {"owner": 303, "coach": 403, "anonymous": 302, "*": 404}
STUDENTS_ONLY = {"owner": 200, "other_student": 200, "anonymous": 302, "*": 403}

# (method, url, form data, htmx?, {viewer: status}); "*" is everyone not named; 302 = sent to sign in
ROUTES = [
    ("GET", "/presentations/", None, False, STUDENTS_ONLY),
    ("GET", "/presentations/new", None, False, STUDENTS_ONLY),
    ("POST", "/presentations/new", {"title": "Term 2", "start": "blank"}, False,
     {"owner": 303, "other_student": 303, "anonymous": 302, "*": 403}),
    ("GET", "/presentations/student/{owner}", None, False, VIEW),
    ("GET", "/presentations/{pres}", None, False, VIEW),
    ("POST", "/presentations/{pres}", {"title": "New name"}, False, EDIT_FORM),
    ("GET", "/presentations/{pres}/picker", None, True, EDIT_HTMX),
    ("POST", "/presentations/{pres}/slides", {"kind": "section"}, True, EDIT_HTMX),
    ("POST", "/presentations/{pres}/slides/{slide}", {"slide-{slide}-title": "Hello"}, True, EDIT_HTMX),
    ("POST", "/presentations/{pres}/order", {"ids": "{reversed}"}, True, EDIT_HTMX),
    ("POST", "/presentations/{pres}/slides/{slide}/move", {"direction": "down"}, True, EDIT_HTMX),
    ("POST", "/presentations/{pres}/slides/{slide}/delete", {}, True, EDIT_HTMX),
    ("GET", "/presentations/{pres}/preview", None, False, VIEW),
    ("GET", "/presentations/{pres}/readiness", None, False, VIEW),
    ("POST", "/presentations/{pres}/slides/{slide}/comments", {"body": "Slow down here"}, True,
     {"coach": 200, "owner": 403, "anonymous": 302, "*": 404}),
    ("POST", "/presentations/{pres}/delete", {}, False, EDIT_FORM),
    ("POST", "/goals/", {"text": "Read more"}, True, STUDENTS_ONLY),
]


def expect(who, table):
    return table.get(who, table.get("*"))


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("method,url,data,hx,table", ROUTES, ids=[f"{r[0]} {r[1]}" for r in ROUTES])
def test_who_may(app, cast, decks, who, method, url, data, hx, table):
    pres = cast["pres"]
    ids = decks.ids(pres)
    values = dict(pres=pres.id, slide=ids[0], owner=cast["people"]["owner"].id,
                  reversed=",".join(str(i) for i in reversed(ids)))
    form = {k.format(**values): v.format(**values) for k, v in (data or {}).items()}
    client = cast["client"](who)
    headers = {"HX-Request": "true"} if hx else {}
    response = client.open(url.format(**values), method=method, data=form if method == "POST" else None,
                           headers=headers)
    assert response.status_code == expect(who, table), response.get_data()[:300]
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
    if response.status_code in (403, 404):
        assert decks.ids(pres) == ids, "a refused request changed nothing"


def test_goal_routes_are_the_owners_only(app, cast, login_as):
    owner = cast["people"]["owner"]
    cast["client"]("owner").post("/goals/", data={"text": "Learn my times tables"})
    with app.app_context():
        goal = db.session().exec(select(Goal)).one()
    for who, status in [("other_student", 404), ("coach", 403), ("other_coach", 403), ("admin", 403),
                        ("anonymous", 302)]:
        for action in ("toggle", "delete"):
            assert cast["client"](who).post(f"/goals/{goal.id}/{action}").status_code == status, who
    assert cast["client"]("owner").post(f"/goals/{goal.id}/toggle").status_code == 303
    with app.app_context():
        assert db.session().get(Goal, goal.id).status == "done"
        assert db.session().get(Goal, goal.id).student_id == owner.id


def test_coach_sees_comments_form_and_no_edit_controls(cast):
    page = cast["client"]("coach").get(f"/presentations/{cast['pres'].id}").text
    assert "Rehearsal comment" in page
    assert "Move “" not in page and "Edit slide" not in page and "data-sortable" not in page


def test_owner_sees_the_coachs_comment_while_editing(app, cast, decks):
    pres, slide = cast["pres"], decks.ids(cast["pres"])[1]
    r = cast["client"]("coach").post(f"/presentations/{pres.id}/slides/{slide}/comments",
                                     data={"body": "Say more about the colours"}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "Say more about the colours" in r.text
    page = cast["client"]("owner").get(f"/presentations/{pres.id}").text
    assert "Say more about the colours" in page and "Coach" in page


def test_comment_double_submit_is_one_comment(app, cast, decks):
    pres, slide = cast["pres"], decks.ids(cast["pres"])[0]
    coach = cast["client"]("coach")
    for _ in range(2):
        coach.post(f"/presentations/{pres.id}/slides/{slide}/comments", data={"body": "Louder"})
    with app.app_context():
        assert len(db.session().exec(select(RehearsalComment)).all()) == 1


def test_only_its_author_may_delete_a_rehearsal_comment(app, cast, decks, make, login_as):
    pres, slide = cast["pres"], decks.ids(cast["pres"])[0]
    second_coach = make.coach("secondcoach")
    with app.app_context():
        set_coaches(db.session(), cast["people"]["owner"], {cast["people"]["coach"].id, second_coach.id})
    cast["client"]("coach").post(f"/presentations/{pres.id}/slides/{slide}/comments", data={"body": "Slow down"})
    with app.app_context():
        comment = db.session().exec(select(RehearsalComment)).one()
    url = f"/presentations/{pres.id}/slides/{slide}/comments/{comment.id}/delete"
    hx = {"HX-Request": "true"}
    page = cast["client"]("coach").get(f"/presentations/{pres.id}").text
    assert "Delete your comment “Slow down”" in page
    for who, status in [("owner", 403), ("other_student", 404), ("other_coach", 404), ("admin", 404),
                        ("anonymous", 302)]:
        assert cast["client"](who).post(url, headers=hx).status_code == status, who
    second = login_as(second_coach)
    assert second.post(url, headers=hx).status_code == 404  # the student's coach too, but not its author
    assert "Delete your comment" not in second.get(f"/presentations/{pres.id}").text
    answer = cast["client"]("coach").post(url, headers=hx)
    assert answer.status_code == 200 and "Slow down" not in answer.text and "Rehearsal comment" in answer.text
    assert cast["client"]("coach").post(url, headers=hx).status_code == 404  # already gone
    with app.app_context():
        assert db.session().exec(select(RehearsalComment)).all() == []


def test_slide_of_another_presentation_is_unknown(cast, decks, make):
    other = cast["people"]["other_student"]
    theirs = decks.make(other, title="Theirs")
    their_slide = decks.ids(theirs)[0]
    owner = cast["client"]("owner")
    pres = cast["pres"]
    for url in (f"/presentations/{pres.id}/slides/{their_slide}", f"/presentations/{pres.id}/slides/{their_slide}/move",
                f"/presentations/{pres.id}/slides/{their_slide}/delete"):
        assert owner.post(url, data={"direction": "up"}).status_code == 404, url
    assert owner.post(f"/presentations/{pres.id}/order", data={"slide": their_slide, "to": 0}).status_code == 404
    assert len(decks.ids(theirs)) == 3


def test_coach_list_links_from_portfolio(cast):
    owner = cast["people"]["owner"]
    page = cast["client"]("coach").get(f"/portfolio/students/{owner.id}").text
    assert f"/presentations/student/{owner.id}" in page
    listing = cast["client"]("coach").get(f"/presentations/student/{owner.id}").text
    assert "Spring day" in listing


def test_nav_has_presentations_for_students_only(cast):
    assert 'href="/presentations/"' in cast["client"]("owner").get("/portfolio/").text
    assert 'href="/presentations/"' not in cast["client"]("coach").get("/portfolio/students").text


def test_private_item_is_not_shown_to_the_coach(app, cast, decks, make):
    owner = cast["people"]["owner"]
    secret = make.item(owner, title="Secret diary", visibility="private", body="Nobody reads this")
    pres = decks.make(owner, title="With secret", kinds=(), items=[secret])
    page = cast["client"]("coach").get(f"/presentations/{pres.id}/preview").text
    assert "Nobody reads this" not in page
    with app.app_context():
        assert db.session().exec(select(Slide).where(Slide.presentation_id == pres.id)).one()


def test_a_coach_sees_nothing_that_names_a_private_item(app, cast, decks, make):
    """Not its title, its text, its tag or its file: on the editor, the preview ("Next:" and data-title), the
    readiness check, the student's tag filter, and the record of a conference it was in."""
    from conference_app.live import conferences
    from conference_app.portfolio import items

    owner = cast["people"]["owner"]
    secret = make.item(owner, title="SECRET-DIARY", visibility="private", body="Nobody reads this")
    with app.app_context():
        s = db.session()
        items.set_tags(s, s.get(type(secret), secret.id), ["secret-tag"])
        s.commit()
    pres = decks.make(owner, title="With secret", kinds=(SlideKind.TITLE,), items=[secret])
    coach, student = cast["client"]("coach"), cast["client"]("owner")
    pages = {url: coach.get(url) for url in (f"/presentations/{pres.id}", f"/presentations/{pres.id}/preview",
                                             f"/presentations/{pres.id}/readiness", f"/portfolio/students/{owner.id}")}
    for url, page in pages.items():
        assert page.status_code == 200, url
        assert "SECRET-DIARY" not in page.text and "secret-tag" not in page.text and "Nobody reads" not in page.text
    assert "Private work" in pages[f"/presentations/{pres.id}/preview"].text
    assert "Private work" in pages[f"/presentations/{pres.id}/readiness"].text
    # the student still sees their own work by its name
    assert "SECRET-DIARY" in student.get(f"/presentations/{pres.id}").text
    assert "secret-tag" in student.get("/portfolio/").text
    with app.app_context():
        s = db.session()
        conference = conferences.create(s, s.get(type(pres), pres.id))
        conferences.go_live(s, conference)
        conferences.goto(s, conference.id, 1, conference.slide_ids)  # the private slide is shown
        conferences.end(s, conference)
        conference_id = conference.id
    for url in (f"/conferences/{conference_id}/record", f"/conferences/{conference_id}/record.html"):
        page = coach.get(url)
        assert page.status_code == 200 and "SECRET-DIARY" not in page.text and "Private work" in page.text


@pytest.mark.parametrize("data", [{"kind": "item", "item_id": str(2**70)}, {"kind": "item", "item_id": "-1"},
                                  {"kind": "item", "item_id": str(2**31), "page": str(2**40)},
                                  {"ids": f"{2**31},{2**33}"}, {"slide": str(2**63), "to": "0"},
                                  {"slide": "1", "to": str(2**64)}])
def test_numbers_no_database_holds_are_refused_not_a_500(cast, data):
    """(PostgreSQL's integer ends at 2**31 - 1: a form value past it used to reach the driver.)"""
    owner, pres = cast["client"]("owner"), cast["pres"]
    url = f"/presentations/{pres.id}/order" if "ids" in data or "slide" in data else f"/presentations/{pres.id}/slides"
    assert 400 <= owner.post(url, data=data).status_code < 500
