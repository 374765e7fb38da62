"""Who may and who may not, for every portfolio, media and admin route.

The cast: student A (owner), student B, A's coach, another coach, an admin, anonymous.
"""
import pytest

from conference_app.models import Visibility
from tests.conftest import VIEWERS


@pytest.fixture
def cast(make, people):
    owner = people.owner
    shared = make.image_item(owner, title="Shared", visibility=Visibility.COACH)
    private = make.image_item(owner, title="Secret", visibility=Visibility.PRIVATE)
    flagged = make.item(owner, title="Group", visibility=Visibility.SHAREABLE, shows_children=True)
    return dict(people=people, shared=shared, private=private, flagged=flagged,
                client=people.client)


def media_id(app, item, variant="thumb"):
    from sqlmodel import select

    from conference_app import db
    from conference_app.models import MediaFile
    with app.app_context():
        return db.session().exec(select(MediaFile.id).where(MediaFile.item_id == item.id,
                                                            MediaFile.variant == variant)).one()


def expect(who, table):
    return table.get(who, table.get("*"))


# (method, url template, {viewer: status}); "*" is everyone not named; 302 = sent to sign in
ROUTES = [
    ("GET", "/portfolio/items/{shared}", {"owner": 200, "coach": 200, "anonymous": 302, "*": 404}),
    ("GET", "/portfolio/items/{private}", {"owner": 200, "anonymous": 302, "*": 404}),
    ("GET", "/portfolio/items/{shared}/edit", {"owner": 200, "coach": 403, "anonymous": 302, "*": 404}),
    ("POST", "/portfolio/items/{shared}/edit", {"owner": 303, "coach": 403, "anonymous": 302, "*": 404}),
    ("POST", "/portfolio/items/{flagged}/approve", {"coach": 303, "owner": 403, "anonymous": 302, "*": 404}),
    ("GET", "/media/{shared_thumb}", {"owner": 200, "coach": 200, "anonymous": 302, "*": 404}),
    ("GET", "/media/{private_thumb}", {"owner": 200, "anonymous": 302, "*": 404}),
    ("GET", "/portfolio/", {"owner": 200, "other_student": 200, "anonymous": 302, "*": 403}),
    ("GET", "/portfolio/students/{owner}", {"owner": 200, "coach": 200, "anonymous": 302, "*": 404}),
    ("GET", "/portfolio/students", {"coach": 200, "other_coach": 200, "anonymous": 302, "*": 403}),
    ("POST", "/portfolio/upload", {"owner": 400, "other_student": 400, "anonymous": 302, "*": 403}),
    ("GET", "/portfolio/new/writing", {"owner": 200, "other_student": 200, "anonymous": 302, "*": 403}),
    ("POST", "/portfolio/new/link", {"owner": 422, "other_student": 422, "anonymous": 302, "*": 403}),
    ("GET", "/admin/users", {"admin": 200, "anonymous": 302, "*": 403}),
    ("POST", "/admin/users", {"admin": 422, "anonymous": 302, "*": 403}),
    ("GET", "/admin/users/{owner}/coaches", {"admin": 200, "anonymous": 302, "*": 403}),
    ("POST", "/admin/users/{other_student}/active", {"admin": 303, "anonymous": 302, "*": 403}),
    ("POST", "/logout", {"anonymous": 302, "*": 303}),
]


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("method,url,table", ROUTES, ids=[f"{m} {u}" for m, u, _ in ROUTES])
def test_who_may(app, cast, who, method, url, table):
    ids = dict(shared=cast["shared"].id, private=cast["private"].id, flagged=cast["flagged"].id,
               owner=cast["people"]["owner"].id, other_student=cast["people"]["other_student"].id,
               shared_thumb=media_id(app, cast["shared"]), private_thumb=media_id(app, cast["private"]))
    client = cast["client"](who)
    response = client.open(url.format(**ids), method=method, buffered=True)
    response.close()
    assert response.status_code == expect(who, table), response.get_data()[:300]
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]


def test_delete_who_may_not(app, cast):
    url = f"/portfolio/items/{cast['shared'].id}/delete"
    for who, status in [("anonymous", 302), ("other_student", 404), ("coach", 403), ("other_coach", 404),
                        ("admin", 404)]:
        assert cast["client"](who).post(url).status_code == status, who
    assert cast["client"]("owner").get(f"/portfolio/items/{cast['shared'].id}").status_code == 200


def test_coach_sees_non_private_items_only(cast):
    page = cast["client"]("coach").get(f"/portfolio/students/{cast['people']['owner'].id}").text
    assert "Shared" in page and "Group" in page
    assert "Secret" not in page


def test_coach_student_list_shows_only_own_students(cast):
    page = cast["client"]("coach").get("/portfolio/students").text
    assert "Amara" in page and "Leo" not in page
    assert "1 to approve" in page
