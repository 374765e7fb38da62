from sqlmodel import select

from conference_app import db
from conference_app.models import ItemTag, PortfolioItem

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def one(app, model=PortfolioItem):
    with app.app_context():
        return db.session().exec(select(model)).one()


def test_writing_is_markdown_rendered_and_sanitised(app, make, login_as):
    student = login_as(make.student("ada"))
    body = f"# Heading\n\n**bold** [link](javascript:alert(1)) {XSS}\n\n<iframe src=//evil></iframe>"
    response = student.post("/portfolio/new/writing", data={
        "title": f"Essay {XSS}", "body": body, "reflection": XSS, "visibility": "coach", "tags": "English, proud"})
    assert response.status_code == 303
    page = student.get(response.headers["Location"]).text
    assert "<h1>Heading</h1>" in page and "<strong>bold</strong>" in page
    assert "<script>alert" not in page and "<img src=x" not in page and "<iframe" not in page
    assert "href=\"javascript:" not in page
    assert "&lt;script&gt;" in page  # title and reflection are shown as text
    with app.app_context():
        assert sorted(t.name for t in db.session().exec(select(ItemTag))) == ["english", "proud"]


def test_writing_needs_text_and_a_link_needs_a_web_address(make, login_as):
    student = login_as(make.student("ada"))
    empty = student.post("/portfolio/new/writing", data={"title": "T", "visibility": "coach"})
    assert empty.status_code == 422 and "This field is required" in empty.text
    bad = student.post("/portfolio/new/link", data={"title": "T", "url": "javascript://%0aalert(1)",
                                                   "visibility": "coach"})
    assert bad.status_code == 422 and "https://" in bad.text
    ok = student.post("/portfolio/new/link", data={"title": "My site", "url": "https://example.org/work",
                                                  "visibility": "coach"})
    assert ok.status_code == 303
    assert 'rel="noopener noreferrer nofollow"' in student.get(ok.headers["Location"]).text
    too_long = student.post("/portfolio/new/writing", data={"title": "x" * 201, "body": "b", "visibility": "coach"})
    assert too_long.status_code == 422
    assert student.get("/portfolio/new/video").status_code == 404


def test_edit_changes_fields_and_tags(app, make, login_as):
    owner = make.student("ada")
    item = make.item(owner, title="Old")
    student = login_as(owner)
    form = student.get(f"/portfolio/items/{item.id}/edit").text
    assert 'value="Old"' in form
    response = student.post(f"/portfolio/items/{item.id}/edit", data={
        "title": "New title", "body": "text", "reflection": "I learned a lot", "visibility": "shareable",
        "tags": "Science, science, grew", "made_on": "2026-03-04", "subject": "Science"})
    assert response.status_code == 303
    saved = one(app)
    assert (saved.title, saved.visibility, saved.made_on.isoformat()) == ("New title", "shareable", "2026-03-04")
    with app.app_context():
        assert sorted(t.name for t in db.session().exec(select(ItemTag))) == ["grew", "science"]
    bad = student.post(f"/portfolio/items/{item.id}/edit", data={"title": "", "visibility": "everyone"})
    assert bad.status_code == 422 and one(app).title == "New title"


def test_filter_by_kind_and_tag_returns_the_fragment_for_htmx(app, make, login_as):
    owner = make.student("ada")
    make.item(owner, title="Essay one")
    make.image_item(owner, title="Painting")
    student = login_as(owner)
    student.post(f"/portfolio/items/{make.item(owner, title='Poem').id}/edit",
                 data={"title": "Poem", "body": "b", "visibility": "coach", "tags": "poetry"})
    page = student.get("/portfolio/?kind=image")
    assert "Painting" in page.text and "Essay one" not in page.text and "<html" in page.text
    assert "HX-Request" in page.headers["Vary"]
    fragment = student.get("/portfolio/?tag=poetry", headers={"HX-Request": "true", "HX-Target": "items"})
    assert fragment.text.lstrip().startswith('<section id="items"')
    assert "Poem" in fragment.text and "Painting" not in fragment.text and "Essay one" not in fragment.text
    assert "Nothing matches" in student.get("/portfolio/?tag=nothing").text


def test_flagged_item_needs_a_coach_and_unflagging_resets_approval(app, make, login_as):
    coach = make.coach("coach")
    owner = make.student("ada", coaches=[coach])
    item = make.item(owner, title="Class trip", visibility="shareable", shows_children=True)
    assert one(app).needs_approval and not one(app).audience_safe
    coach_client = login_as(coach)
    assert "Approve for conferences" in coach_client.get(f"/portfolio/items/{item.id}").text
    assert coach_client.post(f"/portfolio/items/{item.id}/approve").status_code == 303
    approved = one(app)
    assert approved.audience_safe and approved.approved_by_id == coach.id
    student = login_as(owner)
    student.post(f"/portfolio/items/{item.id}/edit", data={"title": "Class trip", "body": "b",
                                                            "visibility": "shareable"})
    assert one(app).approved_at is None and not one(app).shows_children
    student.post(f"/portfolio/items/{item.id}/edit", data={"title": "Class trip", "body": "b",
                                                            "visibility": "shareable", "shows_children": "y"})
    assert one(app).needs_approval  # flagged again: a coach must look again
