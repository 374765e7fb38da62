"""A self-assessment's why, spoken: only its student records it; it plays for them, their coach and on the growth
page; replacing or deleting it (or the placement, or the competency) takes its file off the disk."""
import io
from pathlib import Path

import pytest
from sqlmodel import select

from conference_app import db
from conference_app.growth import voice
from conference_app.models import MediaFile, SelfAssessment

from tests.conftest import VIEWERS
from tests.growth.conftest import assess
from tests.growth.test_slides import _status, wav_bytes
from tests.helpers import jpeg_bytes


def _speak(client, item_id, competency_id, data=None, name="why.wav", **kw):
    return client.post(f"/growth/items/{item_id}/assess/{competency_id}/voice",
                       data={"file": (io.BytesIO(data or wav_bytes()), name)}, **kw)


def _spoken(app, item_id, competency_id) -> MediaFile | None:
    with app.app_context():
        s = db.session()
        a = s.exec(select(SelfAssessment).where(SelfAssessment.item_id == item_id,
                                                SelfAssessment.competency_id == competency_id)).first()
        return s.get(MediaFile, a.spoken_media_id) if a and a.spoken_media_id else None


@pytest.fixture
def placed(people, growth):
    assert assess(people.client("owner"), growth.shared.id, growth.talking.id, growth.steps[1].id,
                  "I explained it.").status_code == 303
    return growth


@pytest.mark.parametrize("who", VIEWERS)
def test_only_the_student_says_why_out_loud(app, people, placed, who):
    response = _speak(people.client(who), placed.shared.id, placed.talking.id)
    assert response.status_code == {"owner": 303, "coach": 403, "anonymous": 302}.get(who, 404)
    assert (_spoken(app, placed.shared.id, placed.talking.id) is not None) == (who == "owner")
    if who != "owner":
        assert not any(p.is_file() for p in Path(app.config["MEDIA_ROOT"]).rglob("*"))


@pytest.mark.parametrize("who", VIEWERS)
def test_only_the_student_deletes_their_spoken_why(app, people, placed, who):
    assert _speak(people.client("owner"), placed.shared.id, placed.talking.id).status_code == 303
    media = _spoken(app, placed.shared.id, placed.talking.id)
    path = Path(app.config["MEDIA_ROOT"]) / media.path
    response = people.client(who).post(f"/growth/items/{placed.shared.id}/assess/{placed.talking.id}/voice/delete")
    assert response.status_code == {"owner": 303, "coach": 403, "anonymous": 302}.get(who, 404)
    assert (_spoken(app, placed.shared.id, placed.talking.id) is None) == (who == "owner")
    assert path.exists() == (who != "owner")


@pytest.mark.parametrize("who", VIEWERS)
def test_the_spoken_why_plays_for_the_student_and_their_coach_only(app, people, placed, who):
    assert _speak(people.client("owner"), placed.shared.id, placed.talking.id).status_code == 303
    media = _spoken(app, placed.shared.id, placed.talking.id)
    assert media.variant == "why" and media.mime.startswith("audio/")
    may = who in ("owner", "coach")
    assert _status(people.client(who), f"/media/{media.id}") == (200 if may else 302 if who == "anonymous" else 404)
    if may:
        item_page = people.client(who).get(f"/portfolio/items/{placed.shared.id}").text
        growth_url = "/growth/" if who == "owner" else f"/growth/students/{people.owner.id}"
        growth_page = people.client(who).get(growth_url).text
        for page in (item_page, growth_page):
            assert f'src="/media/{media.id}"' in page and "Why, spoken: Communicating" in page
        assert ("Say why out loud" in item_page or "Say why again" in item_page) == (who == "owner")


def test_a_why_needs_a_placement_first_and_a_sound(app, people, growth):
    owner = people.client("owner")
    response = _speak(owner, growth.shared.id, growth.talking.id, headers={"HX-Request": "true"})
    assert response.status_code == 409 and "on the scale first" in response.text and 'id="growth"' in response.text
    assess(owner, growth.shared.id, growth.talking.id, growth.steps[0].id)
    picture = _speak(owner, growth.shared.id, growth.talking.id, jpeg_bytes(), "photo.jpg")
    assert picture.status_code == 415 and "not a sound recording" in picture.text
    empty = owner.post(f"/growth/items/{growth.shared.id}/assess/{growth.talking.id}/voice", data={})
    assert empty.status_code == 400
    junk = _speak(owner, growth.shared.id, growth.talking.id, b"\x00" * 500, "why.webm")
    assert 400 <= junk.status_code < 500
    nothing = owner.post(f"/growth/items/{growth.shared.id}/assess/{growth.talking.id}/voice/delete")
    assert nothing.status_code == 404
    assert _spoken(app, growth.shared.id, growth.talking.id) is None
    assert not any(p.is_file() for p in Path(app.config["MEDIA_ROOT"]).rglob("*"))


def test_a_new_why_replaces_the_old_and_every_way_of_deleting_takes_the_file(app, people, make, placed):
    owner, root = people.client("owner"), Path(app.config["MEDIA_ROOT"])
    assert _speak(owner, placed.shared.id, placed.talking.id).status_code == 303
    first = root / _spoken(app, placed.shared.id, placed.talking.id).path
    again = _speak(owner, placed.shared.id, placed.talking.id, wav_bytes(0.5), headers={"HX-Request": "true"})
    assert again.status_code == 201 and 'id="growth"' in again.text and "Say why again" in again.text
    second = root / _spoken(app, placed.shared.id, placed.talking.id).path
    assert second.is_file() and not first.exists()
    assert assess(owner, placed.shared.id, placed.talking.id, placed.steps[2].id, "changed").status_code == 303
    assert _spoken(app, placed.shared.id, placed.talking.id) is not None  # changing the step keeps the voice
    # unlinking the competency deletes the placement and its spoken why
    assert owner.post(f"/growth/items/{placed.shared.id}/assess/{placed.talking.id}/delete").status_code == 303
    assert not second.exists()
    with app.app_context():
        assert db.session().exec(select(MediaFile).where(MediaFile.variant == "why")).first() is None
    # the admin deleting the competency, and the student deleting the work, take it too
    for competency_id in (placed.talking.id, placed.thinking.id):
        assess(owner, placed.shared.id, competency_id, placed.steps[0].id)
        assert _speak(owner, placed.shared.id, competency_id).status_code == 303
    talking = root / _spoken(app, placed.shared.id, placed.talking.id).path
    thinking = root / _spoken(app, placed.shared.id, placed.thinking.id).path
    assert people.client("admin").post(f"/growth/framework/competencies/{placed.talking.id}/delete").status_code == 303
    assert not talking.exists() and thinking.is_file()
    assert owner.post(f"/portfolio/items/{placed.shared.id}/delete").status_code == 303
    assert not thinking.exists()
    assert not any(p.is_file() for p in root.rglob("*"))


def test_a_spoken_why_past_its_limit_is_a_413_that_says_so(app, people, placed, monkeypatch):
    monkeypatch.setattr(voice, "MAX_BYTES", 200_000)  # (a body past 500 kB would be spooled to a file by the client)
    big = _speak(people.client("owner"), placed.shared.id, placed.talking.id, b"\x00" * 300_000, "long.wav",
                 headers={"HX-Request": "true"})
    assert big.status_code == 413 and "can be at most" in big.text and 'id="growth"' in big.text
    assert _spoken(app, placed.shared.id, placed.talking.id) is None
    assert not any(p.is_file() for p in Path(app.config["MEDIA_ROOT"]).rglob("*"))
