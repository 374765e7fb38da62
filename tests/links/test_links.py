"""Private links: a family's copy of its conference, and a shared selection of work; both expire, can be
withdrawn, show only what they were made for, and log each opening."""
import re
from datetime import timedelta

import pytest
from sqlmodel import func, select

from conference_app import db
from conference_app.feedback import service as feedback
from conference_app.live import conferences
from conference_app.models import Conference, LinkOpening, PrivateLink, RecordFile, utcnow
from tests.conftest import VIEWERS

HX = {"HX-Request": "true"}


def join(app, code, name, role="family"):
    c = app.test_client()
    assert c.post(f"/j/{code}", data={"name": name, "role": role}).status_code == 200
    return c


def send(client, code, body, key):
    assert client.post(f"/live/{code}/feedback", data={"body": body, "kind": "question", "client_key": key},
                       headers=HX).status_code in (200, 201)


@pytest.fixture
def family(app, school):
    """Mum and Dad were in the school's conference; slides 0, 1 and 3 were shown; it has ended."""
    code, cid = school.conference.code, school.conference.id
    mum, dad = join(app, code, "Mum"), join(app, code, "Dad")
    with app.app_context():
        conferences.goto(db.session(), cid, 1)
    send(mum, code, "MUM-QUESTION", "mum-000000001")
    send(dad, code, "DAD-QUESTION", "dad-000000001")
    with app.app_context():
        s = db.session()
        conference = s.get(Conference, cid)
        for owner, text in (("family", "FAMILY-ACTION"), ("student", "STUDENT-ACTION"), ("coach", "COACH-ACTION")):
            feedback.add_action(s, conference, school.coach.id, text, owner, None)
        feedback.save_note(s, conference, school.coach.id, "COACH-NOTE")
        conferences.goto(s, cid, 3)
    assert school.people.client("owner").post(f"/conferences/{cid}/end").status_code == 303
    return school, mum, dad


def status_of(client, url: str) -> int:
    """The status of a GET, its file closed (send_file answers keep one open until then)."""
    r = client.get(url)
    r.close()
    return r.status_code


def copy_url(client, code) -> str:
    r = client.post(f"/live/{code}/copy")
    assert r.status_code == 303, r.text
    return r.headers["Location"]


def test_the_thank_you_page_offers_the_copy(app, family):
    school, mum, _dad = family
    page = mum.get(f"/live/{school.conference.code}/thanks?skip=1").text
    assert "Keep a copy" in page and f"/live/{school.conference.code}/copy" in page and "30 days" in page


def test_the_family_copy_shows_only_that_familys_view(app, family):
    school, mum, dad = family
    url = copy_url(mum, school.conference.code)
    assert re.fullmatch(r"/copy/[\w-]{32}", url)
    anyone = app.test_client()  # the link works on any phone it is sent to
    page = anyone.get(url)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    text = page.text
    for shown in ("Welcome SLIDE-ZERO", "First picture", "LATER-WORK", "MUM-QUESTION", "FAMILY-ACTION", "Mum"):
        assert shown in text, shown
    for never in ("DAD-QUESTION", "STUDENT-ACTION", "COACH-ACTION", "COACH-NOTE", "SECRET-TALK", "SECTION-TWO",
                  "Dad", "/media/"):
        assert never not in text, never
    pictures = re.findall(r'src="(/copy/[\w-]+/pictures/\d+)"', text)
    assert len(pictures) == 2 and all(status_of(anyone, p) == 200 for p in pictures)
    dads = dad.get(copy_url(dad, school.conference.code)).text
    assert "DAD-QUESTION" in dads and "MUM-QUESTION" not in dads


def test_a_private_slide_stays_out_of_the_copy(app, school, make):
    secret = make.image_item(school.student, title="PRIVATE-WORK", visibility="private")
    with app.app_context():
        s = db.session()
        slide = s.get(type(school.slides[3]), school.slides[3].id)
        slide.item_id = secret.id
        s.commit()
        conferences.goto(s, school.conference.id, 3)
    mum = join(app, school.conference.code, "Mum")
    assert school.people.client("owner").post(f"/conferences/{school.conference.id}/end").status_code == 303
    page = app.test_client().get(copy_url(mum, school.conference.code)).text
    assert "PRIVATE-WORK" not in page and "LATER-WORK" not in page
    with app.app_context():
        assert db.session().exec(select(func.count()).select_from(RecordFile)).one() == 0  # slide 0 has none


def test_each_opening_is_logged_and_the_link_expires(app, family):
    school, mum, _dad = family
    url = copy_url(mum, school.conference.code)
    for _ in range(2):
        assert app.test_client().get(url).status_code == 200
    with app.app_context():
        s = db.session()
        assert s.exec(select(func.count()).select_from(LinkOpening)).one() == 2
        link = s.exec(select(PrivateLink)).one()
        assert timedelta(days=29) < link.expires_at.replace(tzinfo=None) - utcnow().replace(tzinfo=None) \
            <= timedelta(days=30)
        picture = s.exec(select(RecordFile.id)).first()
        link.expires_at = utcnow() - timedelta(minutes=1)
        s.commit()
    r = app.test_client().get(url)
    assert r.status_code == 410 and "This link has expired" in r.text
    assert status_of(app.test_client(), f"{url}/pictures/{picture}") == 410


@pytest.mark.parametrize("who,status", [("owner", 303), ("coach", 303), ("other_student", 404),
                                        ("other_coach", 404), ("admin", 404), ("anonymous", 302)])
def test_who_may_withdraw_a_family_copy(app, family, who, status):
    school, mum, _dad = family
    url = copy_url(mum, school.conference.code)
    with app.app_context():
        link_id = db.session().exec(select(PrivateLink.id)).one()
    assert school.people.client(who).post(f"/links/{link_id}/withdraw").status_code == status
    r = app.test_client().get(url)
    if status == 303:
        assert r.status_code == 410 and "withdrawn" in r.text
    else:
        assert r.status_code == 200


def test_the_record_lists_the_family_copies(app, family):
    school, mum, _dad = family
    copy_url(mum, school.conference.code)
    page = school.people.client("coach").get(f"/conferences/{school.conference.id}/record").text
    assert "Family copies" in page and "Mum" in page and "Withdraw" in page and "opened 0 times" in page


def test_the_copy_is_refused_to_everyone_else(app, family, make):
    school, _mum, _dad = family
    code = school.conference.code
    other = make.conference(school.people.other_student, live=True)
    stranger = join(app, other.code, "Other mum")  # a participant of another conference
    assert stranger.post(f"/live/{code}/copy").status_code == 403
    assert app.test_client().post(f"/live/{code}/copy").status_code == 403
    assert app.test_client().post("/live/NOPE-NOPE/copy").status_code == 404
    assert stranger.post(f"/live/{other.code}/copy").status_code == 409  # not ended yet
    assert app.test_client().get("/copy/not-a-real-token").status_code == 404
    with app.app_context():
        assert db.session().exec(select(func.count()).select_from(PrivateLink)).one() == 0
    # a family copy of the other conference does not open this one's pictures
    with app.app_context():
        s = db.session()
        conferences.end(s, s.get(Conference, other.id))
        picture = s.exec(select(RecordFile.id)).first()
    url = copy_url(stranger, other.code)
    assert status_of(app.test_client(), f"{url}/pictures/{picture}") == 404


# ---- shared selections -------------------------------------------------------------------------------

@pytest.fixture
def work(make, people):
    chosen = make.image_item(people.owner, title="CHOSEN-WORK", visibility="private", alt_text="chosen")
    kept = make.image_item(people.owner, title="KEPT-BACK", visibility="shareable", alt_text="kept")
    return chosen, kept


def share(client, student_id, item_ids, days=30, label="Moderator"):
    return client.post(f"/students/{student_id}/links", data={"label": label, "days": days, "items": item_ids})


def test_a_shared_selection_shows_only_the_chosen_items(app, people, work):
    chosen, kept = work
    r = share(people.client("owner"), people.owner.id, [chosen.id])
    assert r.status_code == 201
    url = re.search(r'value="http://localhost(/s/[\w-]+)"', r.text).group(1)
    reader = app.test_client()
    page = reader.get(url)
    assert page.status_code == 200 and "CHOSEN-WORK" in page.text and "KEPT-BACK" not in page.text
    assert "Shared with Moderator" in page.text
    files = re.findall(r'src="(/s/[\w-]+/files/\d+)"', page.text)
    assert files and all(status_of(reader, f) == 200 for f in files)
    with app.app_context():
        from conference_app.portfolio import items
        other_file = items.files_of(db.session(), kept.id)[0].id
    assert status_of(reader, f"{url}/files/{other_file}") == 404
    listing = people.client("owner").get(f"/students/{people.owner.id}/links").text
    assert "Moderator" in listing and "opened 1 time" in listing


def test_a_shared_selection_stops_at_expiry_and_withdrawal(app, people, work):
    chosen, _kept = work
    r = share(people.client("owner"), people.owner.id, [chosen.id], days=1)
    url = re.search(r'value="http://localhost(/s/[\w-]+)"', r.text).group(1)
    with app.app_context():
        s = db.session()
        link = s.exec(select(PrivateLink)).one()
        link_id = link.id
        link.expires_at = utcnow() - timedelta(seconds=1)
        s.commit()
    assert app.test_client().get(url).status_code == 410
    with app.app_context():
        s = db.session()
        s.get(PrivateLink, link_id).expires_at = utcnow() + timedelta(days=1)
        s.commit()
    assert app.test_client().get(url).status_code == 200
    assert people.client("owner").post(f"/links/{link_id}/withdraw").status_code == 303
    r = app.test_client().get(url)
    assert r.status_code == 410 and "withdrawn" in r.text


@pytest.mark.parametrize("who", VIEWERS)
def test_who_may_see_and_make_shared_links(app, people, work, who):
    chosen, _kept = work
    client = people.client(who)
    expected = {"owner": 200, "coach": 200, "anonymous": 302}.get(who, 404)
    assert client.get(f"/students/{people.owner.id}/links").status_code == expected
    made = share(client, people.owner.id, [chosen.id])
    assert made.status_code == {"owner": 201, "coach": 403, "anonymous": 302}.get(who, 404)
    with app.app_context():
        assert db.session().exec(select(func.count()).select_from(PrivateLink)).one() == (who == "owner")


def test_bad_shares_are_refused_with_a_message(app, people, work, make):
    owner, chosen = people.client("owner"), work[0]
    theirs = make.item(people.other_student, title="NOT-MINE")
    for data, message in (([chosen.id], "Between 1 and 365 days."), ([], "Choose at least one piece of work."),
                          ([theirs.id], "is not a valid choice")):
        r = share(owner, people.owner.id, data, days=0 if message.startswith("Between") else 30)
        assert r.status_code == 422 and message in r.text, message
    assert share(owner, people.owner.id, [chosen.id], label=" ").status_code == 422
    with app.app_context():
        assert db.session().exec(select(func.count()).select_from(PrivateLink)).one() == 0
