"""A record is fixed when its conference ends: later edits, privacy changes and deletions of the work leave it
byte-identical, unless the student removes the work from the records too; a coach redacts one picture or text."""
import re
from pathlib import Path

import pytest
from sqlmodel import select

from conference_app import db
from conference_app.live import conferences
from conference_app.models import Conference, PortfolioItem, RecordFile, Slide
from conference_app.portfolio import items
from tests.conftest import VIEWERS


def _show_and_end(app, school, positions=(1, 3)):
    with app.app_context():
        for p in positions:
            conferences.goto(db.session(), school.conference.id, p)
    r = school.people.client("owner").post(f"/conferences/{school.conference.id}/end")
    assert r.status_code == 303


CSRF_TOKEN = re.compile(rb'I[\w-]{30,}\.[\w-]+\.[\w-]+')  # the form tokens: signed with the time, not the record


def _get(client, url: str) -> bytes:
    response = client.get(url)
    data = response.data
    response.close()
    return CSRF_TOKEN.sub(b"token", data)


def _snapshot(app, school):
    """The record as the student and the coach see it, its download, and the bytes of its pictures."""
    cid = school.conference.id
    owner, coach = school.people.client("owner"), school.people.client("coach")
    pages = [_get(owner, f"/conferences/{cid}/record"), _get(coach, f"/conferences/{cid}/record"),
             _get(owner, f"/conferences/{cid}/record.html")]
    with app.app_context():
        ids = [f.id for f in db.session().exec(select(RecordFile).order_by(RecordFile.id))]
    pictures = [_get(owner, f"/conferences/{cid}/record/pictures/{i}") for i in ids]
    return pages, pictures


@pytest.fixture
def ended(app, school):
    _show_and_end(app, school)
    return school


def test_the_record_keeps_its_own_copy_of_the_pictures(app, ended):
    with app.app_context():
        files = list(db.session().exec(select(RecordFile)))
    assert len(files) == 2 and all(f.path.startswith("rec-") for f in files)
    root = Path(app.config["MEDIA_ROOT"])
    assert all((root / f.path).is_file() for f in files)
    page = ended.people.client("owner").get(f"/conferences/{ended.conference.id}/record").text
    assert "First picture" in page and "LATER-WORK" in page and "/media/" not in page


def test_privatising_editing_and_deleting_the_work_leave_the_record_byte_identical(app, ended):
    before = _snapshot(app, ended)
    first, later = ended.slides[1].item_id, ended.slides[3].item_id
    with app.app_context():
        s = db.session()
        item = s.get(PortfolioItem, first)
        items.update(s, item, [], visibility="private", title="RENAMED", alt_text="changed")
    assert _snapshot(app, ended) == before
    owner = ended.people.client("owner")
    assert owner.post(f"/portfolio/items/{later}/delete", data={"records": "keep"}).status_code == 303
    assert owner.post(f"/portfolio/items/{first}/delete").status_code == 303  # keeping is the default
    with app.app_context():
        s = db.session()
        assert s.get(PortfolioItem, first) is None and s.get(PortfolioItem, later) is None
        assert not list(s.exec(select(Slide).where(Slide.item_id.in_([first, later]))))  # out of the presentation
    after = _snapshot(app, ended)
    assert after == before and len(after[1]) == 2 and all(after[1])


def test_removing_the_work_from_the_records_too(app, ended):
    later = ended.slides[3].item_id
    with app.app_context():
        paths = [f.path for f in db.session().exec(select(RecordFile))]
    r = ended.people.client("owner").post(f"/portfolio/items/{later}/delete", data={"records": "remove"})
    assert r.status_code == 303
    page = ended.people.client("coach").get(f"/conferences/{ended.conference.id}/record").text
    assert "LATER-WORK" not in page and "Work removed by Amara on" in page
    assert "First picture" in page  # the other work stays
    root = Path(app.config["MEDIA_ROOT"])
    with app.app_context():
        left = [f.path for f in db.session().exec(select(RecordFile))]
    assert len(left) == 1 and (root / left[0]).is_file()
    assert [p for p in paths if (root / p).exists()] == left


def test_the_delete_dialog_says_where_the_work_is_used(app, ended, make):
    first = ended.slides[1].item_id
    page = ended.people.client("owner").get(f"/portfolio/items/{first}/delete")
    assert page.status_code == 200
    assert "It is used in 1 presentation and 1 conference record." in page.text
    assert 'checked id="records-0" name="records" type="radio" value="keep"' in page.text
    assert 'value="remove"' in page.text
    lonely = make.item(ended.student, title="Alone")
    page = ended.people.client("owner").get(f"/portfolio/items/{lonely.id}/delete").text
    assert "It is used in" not in page and 'name="records"' not in page


@pytest.mark.parametrize("who,status", [("owner", 200), ("coach", 403), ("other_student", 404),
                                        ("other_coach", 404), ("admin", 404), ("anonymous", 302)])
def test_who_may_open_the_delete_dialog_and_delete(app, ended, who, status):
    first = ended.slides[1].item_id
    client = ended.people.client(who)
    assert client.get(f"/portfolio/items/{first}/delete").status_code == status
    r = client.post(f"/portfolio/items/{first}/delete", data={"records": "remove"})
    assert r.status_code == (303 if who == "owner" else status)
    with app.app_context():
        assert (db.session().get(PortfolioItem, first) is None) == (who == "owner")


@pytest.mark.parametrize("who,status", [("owner", 200), ("coach", 200), ("other_student", 404),
                                        ("other_coach", 404), ("admin", 404), ("anonymous", 302)])
def test_who_may_see_a_record_picture(app, ended, make, who, status):
    with app.app_context():
        file_id = db.session().exec(select(RecordFile.id)).first()
    client = ended.people.client(who)
    r = client.get(f"/conferences/{ended.conference.id}/record/pictures/{file_id}")
    r.close()
    assert r.status_code == status
    other = make.conference(ended.people.other_student, live=False)
    with app.app_context():
        s = db.session()
        conferences.end(s, s.get(Conference, other.id))
    # a picture asked for through another record is not found, whoever asks
    assert ended.people.client("other_student").get(
        f"/conferences/{other.id}/record/pictures/{file_id}").status_code == 404


def test_a_coach_redacts_one_picture_and_one_text(app, ended):
    cid = ended.conference.id
    coach = ended.people.client("coach")
    with app.app_context():
        path = db.session().exec(select(RecordFile.path).order_by(RecordFile.id)).first()
    r = coach.post(f"/conferences/{cid}/record/slides/1/redact", data={"part": "picture"})
    assert r.status_code == 303
    page = coach.get(f"/conferences/{cid}/record").text
    assert "Picture removed by Coach on" in page and "First picture" in page
    assert not (Path(app.config["MEDIA_ROOT"]) / path).exists()
    assert page.count("/record/pictures/") == 1  # the other picture stays
    assert coach.post(f"/conferences/{cid}/record/slides/0/redact", data={"part": "text"}).status_code == 303
    page = coach.get(f"/conferences/{cid}/record").text
    assert "Text removed by Coach on" in page
    assert "Ask me how" in page  # slide 1's prompt: only its picture was removed


@pytest.mark.parametrize("who", [w for w in VIEWERS if w != "coach"])
def test_only_the_coach_redacts(app, ended, who):
    r = ended.people.client(who).post(f"/conferences/{ended.conference.id}/record/slides/1/redact",
                                      data={"part": "picture"})
    assert r.status_code == {"owner": 403, "anonymous": 302}.get(who, 404)
    assert "Picture removed" not in ended.people.client("owner").get(
        f"/conferences/{ended.conference.id}/record").text


def test_bad_redactions_are_refused_with_a_message(app, ended):
    coach, cid = ended.people.client("coach"), ended.conference.id
    r = coach.post(f"/conferences/{cid}/record/slides/1/redact", data={"part": "everything"})
    assert r.status_code == 400 and "Not a valid choice" in r.text
    assert coach.post(f"/conferences/{cid}/record/slides/2/redact", data={"part": "text"}).status_code == 404
