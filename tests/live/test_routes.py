"""Who may and who may not, for every live-conference route; bad input on joining."""
import pytest
from sqlmodel import select

from conference_app import db
from conference_app.live import conferences
from conference_app.models import Conference, Participant, Presentation, Slide, SlideKind, SlideVisit

from tests.conftest import VIEWERS


@pytest.fixture
def cast(app, school):
    with app.app_context():
        p = conferences.join(db.session(), db.session().get(Conference, school.conference.id), "Mum", "family")
    return dict(school=school, participant=p, client=school.people.client)


PRESENTER_ONLY = {"owner": 200, "coach": 200, "anonymous": 302, "*": 404}
ROUTES = [
    ("GET", "/conferences/{c}", PRESENTER_ONLY),
    ("GET", "/conferences/{c}/qr.svg", PRESENTER_ONLY),
    ("GET", "/conferences/{c}/present", PRESENTER_ONLY),
    ("GET", "/conferences/{c}/screen", PRESENTER_ONLY),
    ("GET", "/conferences/{c}/participants", PRESENTER_ONLY),
    ("GET", "/conferences/{c}/ended", PRESENTER_ONLY),
    ("POST", "/conferences/{c}/lock", {"owner": 303, "coach": 303, "anonymous": 302, "*": 404}),
    ("POST", "/conferences/{c}/participants/{p}/remove", {"owner": 303, "coach": 303, "anonymous": 302, "*": 404}),
    ("POST", "/conferences/{c}/start", {"owner": 303, "coach": 303, "anonymous": 302, "*": 404}),
    ("POST", "/conferences/{c}/end", {"owner": 303, "coach": 303, "anonymous": 302, "*": 404}),
    ("POST", "/presentations/{pres}/conference", {"owner": 303, "coach": 403, "anonymous": 302, "*": 404}),
    ("GET", "/j/{code}", {"owner": 303, "*": 200}),
    ("GET", "/live/{code}", {"*": 302}),  # not joined: sent to the join page
    ("GET", "/live/{code}/slides/0", {"*": 404}),
]


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("method,url,table", ROUTES, ids=[f"{m} {u}" for m, u, _ in ROUTES])
def test_who_may(cast, who, method, url, table):
    school = cast["school"]
    path = url.format(c=school.conference.id, p=cast["participant"].id, pres=school.presentation.id,
                      code=school.conference.code)
    response = cast["client"](who).open(path, method=method)
    assert response.status_code == table.get(who, table.get("*")), response.text[:300]
    if response.status_code == 302 and "/live/" not in path:
        assert "/login" in response.headers["Location"]


def test_qr_code_is_an_svg_of_the_join_link(cast):
    response = cast["client"]("owner").get(f"/conferences/{cast['school'].conference.id}/qr.svg")
    assert response.mimetype == "image/svg+xml" and b"<svg" in response.data and b"<path" in response.data


def test_lobby_shows_code_without_ambiguous_characters(cast):
    code = cast["school"].conference.code
    assert len(code) == 8 and not set(code) & set("01IOL")
    page = cast["client"]("owner").get(f"/conferences/{cast['school'].conference.id}").text
    assert f"{code[:4]} {code[4:]}" in page and f"/j/{code}" in page
    assert "Mum" in page


def test_joining_validates_and_never_runs_scripts(app, cast, client):
    code = cast["school"].conference.code
    empty = client.post(f"/j/{code}", data={"name": "  ", "role": "family"})
    assert empty.status_code == 422 and "Please tell us your name" in empty.text
    bad_role = client.post(f"/j/{code}", data={"name": "Eve", "role": "coach"})
    assert bad_role.status_code == 422  # the coach role is not for anonymous people
    ok = client.post(f"/j/{code}", data={"name": "<script>alert(1)</script>", "role": "governor"})
    assert ok.status_code == 200 and f'data-address="/live/{code}"' in ok.text  # the follower page itself
    assert "<script>alert(1)</script>" not in ok.text
    again = client.post(f"/j/{code}", data={"name": "<script>alert(1)</script>", "role": "governor"})
    assert again.status_code == 303  # a double tap joins once
    with app.app_context():
        names = db.session().exec(select(Participant.display_name)).all()
    assert names.count("<script>alert(1)</script>") == 1
    lobby = cast["client"]("owner").get(f"/conferences/{cast['school'].conference.id}").text
    assert "<script>alert(1)</script>" not in lobby and "&lt;script&gt;" in lobby


def test_codes_typed_loosely_still_work_and_unknown_ones_get_a_friendly_page(cast, client):
    code = cast["school"].conference.code
    typed = client.post("/join", data={"code": f" {code[:4].lower()}-{code[4:]} "})
    assert typed.headers["Location"] == f"/j/{code}"
    for wrong in ("ZZZZZZZZ", "abc", "0000-0000", "x" * 40):
        page = client.get(f"/j/{wrong}")
        assert page.status_code == 404 and "could not find that conference" in page.text


def test_ended_and_locked_codes_get_friendly_pages(app, cast, client):
    school = cast["school"]
    owner = cast["client"]("owner")
    owner.post(f"/conferences/{school.conference.id}/lock", data={"locked": "1"})
    locked = client.get(f"/j/{school.conference.code}")
    assert locked.status_code == 423 and "locked" in locked.text
    owner.post(f"/conferences/{school.conference.id}/end")
    ended = client.get(f"/j/{school.conference.code}")
    assert ended.status_code == 410 and "has finished" in ended.text


@pytest.fixture
def limited(app_config):
    app_config.update(RATELIMIT_ENABLED=True, JOIN_RATE_LIMIT="5 per minute")
    return app_config


def test_guessing_codes_is_rate_limited(limited, app, client):
    codes = [client.get(f"/j/ABCDEFG{ch}").status_code for ch in "23456789"]
    assert codes[:5] == [404] * 5 and set(codes[5:]) == {429}


def test_families_joining_from_one_address_are_not_limited(limited, app, school):
    """Only wrong codes count: 25 families behind the school's one address all join in a minute."""
    code = school.conference.code
    for n in range(25):
        phone = app.test_client()
        assert phone.get(f"/j/{code}").status_code == 200
        assert phone.post(f"/j/{code}", data={"name": f"Family {n}", "role": "family"}).status_code == 200
    assert app.test_client().get(f"/j/{code}").status_code == 200


def test_a_presentation_that_is_not_ready_cannot_start(app, make, login_as):
    student = make.student("ada")
    private = make.image_item(student, title="Diary", visibility="private")
    with app.app_context():
        s = db.session()
        pres = Presentation(owner_id=student.id, title="P")
        s.add(pres)
        s.flush()
        s.add(Slide(presentation_id=pres.id, position=0, kind=SlideKind.ITEM, item_id=private.id))
        s.commit()
        pres_id = pres.id
    response = login_as(student).post(f"/presentations/{pres_id}/conference")
    assert response.status_code == 409 and "Almost ready" in response.text and "Slide 1" in response.text
    with app.app_context():
        assert db.session().exec(select(Conference)).first() is None


def test_starting_twice_reuses_the_open_conference(app, make, login_as):
    school = make.school(live=False)
    owner = login_as(school.student)
    first = owner.post(f"/presentations/{school.presentation.id}/conference")
    second = owner.post(f"/presentations/{school.presentation.id}/conference")
    assert first.headers["Location"] == second.headers["Location"] == f"/conferences/{school.conference.id}"


def test_a_batch_of_slide_changes_numbers_and_logs_each_one_in_order(app, make):
    """What the slide writer stores when many presenters press at once: every change its own seq, the
    visit log closed and opened in order, even for one conference twice in a batch."""
    live = make.school()
    with app.app_context():
        s = db.session()
        other = Presentation(owner_id=live.other_student.id, title="Not started")
        s.add(other)
        s.flush()
        s.add_all([Slide(presentation_id=other.id, position=i, kind=SlideKind.SECTION, title=f"S{i}") for i in (0, 1)])
        s.commit()
        a, b = s.get(Conference, live.conference.id), conferences.create(s, other)  # b: still in the lobby
        seq = a.seq
        moved = conferences.goto_many(s, [(a.id, 2, a.slide_ids), (b.id, 1, b.slide_ids), (a.id, 99, a.slide_ids),
                                          (a.id, 4, a.slide_ids)])
        assert [(m.seq, m.position, m.changed) for m in (moved[0], moved[2], moved[3])] == [
            (seq + 1, 2, True), (seq + 2, 4, True), (seq + 2, 4, False)]  # 99 is clamped to the last slide
        assert moved[1] is None  # still in the lobby
        visits = s.exec(select(SlideVisit).where(SlideVisit.conference_id == a.id).order_by(SlideVisit.id)).all()
        assert [(v.position, v.ended_at is None) for v in visits] == [(0, False), (2, False), (4, True)]
        assert visits[2].slide_id == a.slide_ids[4]
        assert conferences.shown_positions(s, a.id) == {0, 2, 4}
        assert s.exec(select(Conference.position).where(Conference.id == a.id)).one() == 4
        assert not conferences.shown_positions(s, b.id)


def test_a_plain_post_goes_back_only_to_a_page_of_this_site(cast):
    """The Referer decides where a form without JavaScript returns, but only when it is one of our pages."""
    c, cid = cast["client"]("owner"), cast["school"].conference.id
    for sent_from, back in [("https://evil.example/steal", f"/conferences/{cid}"),
                            ("//evil.example/x", f"/conferences/{cid}"),
                            (f"http://localhost/conferences/{cid}/present?x=1", f"/conferences/{cid}/present?x=1"),
                            ("", f"/conferences/{cid}")]:
        r = c.post(f"/conferences/{cid}/lock", data={"locked": "0"}, headers={"Referer": sent_from})
        assert r.status_code == 303 and r.headers["Location"] == back, (sent_from, r.headers["Location"])
