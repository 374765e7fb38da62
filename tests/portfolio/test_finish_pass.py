"""The finish pass on the student's own pages (test client): addresses without https://, the damaged picture
in our own words, the description's label per kind, Describe it → Save → back to the presentation, one set
of visibility words, lengths of time that do not read as times of day, the goal button, the records."""
import io
import re
from datetime import timedelta

from sqlmodel import select

from conference_app import db
from conference_app.live import conferences
from conference_app.models import Conference, ItemKind, PortfolioItem, Slide, SlideKind

from tests.helpers import jpeg_bytes


def test_a_link_typed_without_https_is_stored_with_it(app, make, login_as):
    student = login_as(make.student("ada"))
    ok = student.post("/portfolio/new/link", data={"title": "My game", "url": "scratch.mit.edu/projects/123",
                                                  "visibility": "coach"})
    assert ok.status_code == 303, ok.text
    with app.app_context():
        assert db.session().exec(select(PortfolioItem)).one().url == "https://scratch.mit.edu/projects/123"
    bad = student.post("/portfolio/new/link", data={"title": "T", "url": "not an address", "visibility": "coach"})
    assert bad.status_code == 422  # still an address that cannot be one, said in our words
    assert "does not look like a web address" in bad.text and "Invalid URL" not in bad.text


def test_a_damaged_picture_is_refused_in_our_own_words(make, login_as):
    student = login_as(make.student("ada"))
    data = jpeg_bytes((400, 300))
    response = student.post("/portfolio/upload", data={"files": [(io.BytesIO(data[:len(data) // 2]),
                                                                  "cut.jpg")]}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "damaged or incomplete" in response.text
    for library_words in ("truncated", "not processed"):
        assert library_words not in response.text


def test_the_description_is_named_for_what_it_describes(make, login_as):
    owner = make.student("ada")
    student = login_as(owner)
    for kind, label in ((ItemKind.AUDIO, "Describe the recording"), (ItemKind.DOCUMENT, "Describe the document"),
                        (ItemKind.VIDEO, "Describe the video")):
        item = make.item(owner, kind=kind, title=f"A {kind}")
        page = student.get(f"/portfolio/items/{item.id}/edit").text
        assert label in page and "Describe the picture" not in page, kind
    picture = make.image_item(owner, title="Photo")
    assert "Describe the picture" in student.get(f"/portfolio/items/{picture.id}/edit").text


def test_describe_it_then_save_returns_to_the_presentation_and_never_elsewhere(app, make, login_as):
    owner = make.student("ada")
    student = login_as(owner)
    picture = make.image_item(owner, title="Photo", visibility="shareable")
    conference = make.conference(owner, live=False)
    with app.app_context():
        s = db.session()
        s.add(Slide(presentation_id=conference.presentation_id, position=9, kind=SlideKind.ITEM, item_id=picture.id))
        s.commit()
    pid = conference.presentation_id
    readiness = student.get(f"/presentations/{pid}/readiness").text
    link = re.search(rf'href="([^"]*/portfolio/items/{picture.id}/edit[^"]*)"[^>]*>Describe it', readiness).group(1)
    link = link.replace("&amp;", "&")
    form = student.get(link).text
    assert f'href="/presentations/{pid}"' in form  # Cancel goes back there too
    saved = student.post(link, data={"title": "Photo", "alt_text": "A red square", "visibility": "shareable"})
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"/presentations/{pid}")
    for elsewhere in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        away = student.post(f"/portfolio/items/{picture.id}/edit", query_string={"back": elsewhere},
                            data={"title": "Photo", "alt_text": "A red square", "visibility": "shareable"})
        assert away.status_code == 303 and away.headers["Location"].endswith(f"/portfolio/items/{picture.id}")


def test_one_set_of_visibility_words(make, login_as):
    owner = make.student("ada")
    for visibility in ("private", "coach", "shareable"):
        make.item(owner, title=visibility, visibility=visibility)
    page = login_as(owner).get("/portfolio/").text
    badges = re.findall(r'<span class="badge badge--(?:private|coach|shareable)">([^<]*)</span>', page)
    assert sorted(set(badges)) == ["Can be shown at my conference", "Me and my coach", "Only me"]
    form = login_as(owner).get("/portfolio/new/writing").text
    for words in badges:
        assert f">{words}</option>" in form


def test_planned_times_are_lengths_and_the_goal_button_says_what_it_does(make, login_as):
    owner = make.student("ada")
    student = login_as(owner)
    student.post("/presentations/new", data={"title": "Spring", "template": "agenda"})
    page = student.get("/presentations/").text
    assert re.search(r"\d+ min planned", page) and "planned 1" not in page
    student.post("/goals/", data={"text": "Read every day"})
    goals = student.get("/goals/").text
    assert "Mark as done" in goals and "Done ✓" not in goals


def test_the_records_are_near_the_top_newest_first_with_time_and_presentation(app, make, login_as):
    owner = make.student("ada")
    first = make.conference(owner, title="Autumn")
    second = make.conference(owner, title="Spring")
    with app.app_context():
        s = db.session()
        for conference in (first, second):
            conferences.end(s, s.get(Conference, conference.id))
        older = s.get(Conference, first.id)
        older.started_at -= timedelta(days=30)
        older.ended_at -= timedelta(days=30)
        s.commit()
    page = login_as(owner).get("/portfolio/").text
    records = page.index('id="records-title"')
    assert records < page.index("Add work"), "the records come before the upload area and the work"
    titles = re.findall(r'<span class="record-card__title">([^<]*)</span>', page)
    assert titles == ["Spring presentation", "Autumn presentation"]
    assert re.search(r'record-card__meta">\d+ \w+ \d{4}, \d\d:\d\d', page)
