"""What an audience phone may open: exactly the slides and files shown so far, in its own conference, while
its place there lasts. Phones of another conference, removed phones and phones after the end open nothing."""
import io

import pytest
from sqlmodel import select

from conference_app import db
from conference_app.live import conferences
from conference_app.models import Conference, MediaFile, Presentation, Slide, SlideKind
from conference_app.portfolio import items

from tests.helpers import pdf_bytes


def join(app, code: str, name: str = "Mum"):
    phone = app.test_client()
    assert phone.post(f"/j/{code}", data={"name": name, "role": "family"}).status_code == 200
    return phone


def status(phone, url: str) -> int:
    """The status of a GET, its body (a file, maybe) closed."""
    response = phone.get(url)
    response.close()
    return response.status_code


def _goto(app, conference_id: int, position: int):
    with app.app_context():
        s = db.session()
        conference = s.get(Conference, conference_id)
        conferences.goto(s, conference.id, position, conference.slide_ids)


@pytest.fixture
def report(app, make, people):
    """A live conference whose second slide is page 3 of a three-page PDF, and whose third is all of it."""
    owner = people.owner
    with app.app_context():
        s = db.session()
        item, _ = items.add_upload(s, owner, io.BytesIO(pdf_bytes([(595, 842)] * 3)), "lab.pdf", title="Lab report",
                                   visibility="shareable", alt_text="My lab report")
        pres = Presentation(owner_id=owner.id, title="Science")
        s.add(pres)
        s.flush()
        s.add_all([Slide(presentation_id=pres.id, position=0, kind=SlideKind.TITLE, title="Hello"),
                   Slide(presentation_id=pres.id, position=1, kind=SlideKind.ITEM, item_id=item.id, page=3),
                   Slide(presentation_id=pres.id, position=2, kind=SlideKind.ITEM, item_id=item.id)])
        s.commit()
        conference = conferences.create(s, pres)
        conferences.go_live(s, conference)
        pages = {f.page: f.id for f in s.exec(select(MediaFile).where(MediaFile.item_id == item.id,
                                                                     MediaFile.variant == "phone"))}
        return dict(conference=conference, pages=pages, original=s.exec(select(MediaFile.id).where(
            MediaFile.item_id == item.id, MediaFile.variant == "original")).one())


def test_a_phone_gets_the_shown_page_of_a_pdf_and_not_its_other_pages(app, report):
    conference, pages = report["conference"], report["pages"]
    assert sorted(pages) == [1, 2, 3]
    mum = join(app, conference.code)
    assert all(status(mum, f"/media/{m}") == 404 for m in pages.values())  # nothing shown yet
    _goto(app, conference.id, 1)
    assert status(mum, f"/media/{pages[3]}") == 200
    assert status(mum, f"/media/{pages[1]}") == 404 and status(mum, f"/media/{pages[2]}") == 404
    assert status(mum, f"/media/{report['original']}") == 404  # never the PDF itself
    _goto(app, conference.id, 2)  # the whole document: every page
    assert all(status(mum, f"/media/{m}") == 200 for m in pages.values())


def test_phones_of_another_conference_removed_phones_and_ended_phones_open_nothing(app, make, report):
    conference, pages = report["conference"], report["pages"]
    _goto(app, conference.id, 2)
    other = make.conference(make.student("zoe"))
    stranger = join(app, other.code, "Other mum")
    removed, ended = join(app, conference.code, "Removed"), join(app, conference.code, "Dad")
    code = conference.code
    with app.app_context():
        s = db.session()
        conferences.remove(s, s.get(Conference, conference.id), next(
            p.id for p in conferences.participants(s, conference.id) if p.display_name == "Removed"))
    for phone, name in ((stranger, "another conference's"), (removed, "a removed")):
        for url in (f"/live/{code}", f"/live/{code}/slides/0", f"/media/{pages[1]}", f"/live/{code}/thanks"):
            assert status(phone, url) in (302, 403, 404), (name, url)
    assert status(removed, f"/live/{code}") == 403
    assert status(ended, f"/media/{pages[1]}") == 200
    with app.app_context():
        s = db.session()
        conferences.end(s, s.get(Conference, conference.id))
    assert status(ended, f"/media/{pages[1]}") == 404  # files stop with the conference
    assert status(ended, f"/live/{code}/slides/0") == 404
    assert status(ended, f"/live/{code}/thanks") in (200, 302)  # thanks (or the closing form first)


def test_the_thanks_page_is_for_the_conference_s_own_participants(app, school, client):
    code = school.conference.code
    with app.app_context():
        s = db.session()
        conferences.end(s, s.get(Conference, school.conference.id))
    page = client.get(f"/live/{code}/thanks")  # anyone with the code, before or after the end
    assert page.status_code == 404 and school.student.display_name not in page.text
    assert client.get("/live/NOPE1234/thanks").status_code == 404
    assert school.people.client("other_coach").get(f"/live/{code}/thanks").status_code == 404


@pytest.mark.parametrize("name, error", [
    ("\u200b\u200b\u200b", "not only spaces or invisible"),
    ("   ", "tell us your name"),
    ("x" * 61, "keep the name to 60 characters"),
])
def test_names_with_nothing_visible_or_too_long_are_refused_and_said_why(school, client, name, error):
    page = client.post(f"/j/{school.conference.code}", data={"name": name, "role": "family"})
    assert page.status_code == 422 and error in page.text


def test_a_name_loses_its_bidi_overrides_and_control_characters(app, school, client):
    page = client.post(f"/j/{school.conference.code}", data={"name": "\u202eMum\x00 \x07Rose", "role": "family"})
    assert page.status_code == 200
    with app.app_context():
        names = [p.display_name for p in conferences.participants(db.session(), school.conference.id)]
    assert names == ["Mum Rose"]
    join_page = client.get(f"/j/{school.conference.code}")
    assert join_page.status_code in (200, 303)
    assert 'maxlength="60"' in app.test_client().get(f"/j/{school.conference.code}").text
    assert "up to 60 characters" in app.test_client().get(f"/j/{school.conference.code}").text
