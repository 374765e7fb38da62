"""Spoken reflections and growth slides: who may record; on a phone only what is audience-safe, on a shown
slide, and a spoken reflection only when its student chose to play it there."""
import io
import struct
import wave
from pathlib import Path

import pytest
from sqlmodel import select

from conference_app import db
from conference_app.growth import evidence, versions
from conference_app.live import conferences
from conference_app.models import (Conference, MediaFile, PortfolioItem, Presentation, Slide, SlideCompetency,
                                   SlideKind, SpokenReflection)

from tests.conftest import VIEWERS
from tests.helpers import jpeg_bytes


def wav_bytes(seconds: float = 0.3) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(struct.pack("<h", (i * 300) % 3000) for i in range(int(8000 * seconds))))
    return out.getvalue()


def _status(client, url: str) -> int:
    """GET a media file and close it (a streamed file stays open until then)."""
    response = client.get(url)
    response.close()
    return response.status_code


def _record(client, item_id, data=None, name="reflection.wav"):
    return client.post(f"/growth/items/{item_id}/voice",
                       data={"file": (io.BytesIO(data or wav_bytes()), name)})


def _voice(app, item_id):
    with app.app_context():
        row = db.session().exec(select(SpokenReflection, MediaFile).join(
            MediaFile, MediaFile.id == SpokenReflection.media_id).where(SpokenReflection.item_id == item_id)).first()
        return (row[0], row[1]) if row else None


@pytest.mark.parametrize("who", VIEWERS)
def test_only_the_student_records_their_reflection(app, people, growth, who):
    response = _record(people.client(who), growth.shared.id)
    assert response.status_code == {"owner": 303, "coach": 403, "anonymous": 302}.get(who, 404)
    assert (_voice(app, growth.shared.id) is not None) == (who == "owner")
    for path in ("voice/delete", "voice/slide"):
        r = people.client(who).post(f"/growth/items/{growth.shared.id}/{path}", data={"on_slide": "y"})
        assert r.status_code == {"owner": 303 if path == "voice/delete" else 409, "coach": 403,
                                 "anonymous": 302}.get(who, 404)


def test_a_reflection_is_kept_replaced_and_deleted_with_its_file(app, people, growth):
    owner = people.client("owner")
    assert _record(owner, growth.shared.id).status_code == 303
    spoken, media = _voice(app, growth.shared.id)
    first = Path(app.config["MEDIA_ROOT"]) / media.path
    assert first.is_file() and media.variant == "voice" and media.mime.startswith("audio/")
    page = owner.get(f"/portfolio/items/{growth.shared.id}").text
    assert f"/media/{media.id}" in page and "data-recorder" in page
    assert _status(people.client("coach"), f"/media/{media.id}") == 200
    assert _status(people.client("other_coach"), f"/media/{media.id}") == 404
    again = owner.post(f"/growth/items/{growth.shared.id}/voice", headers={"HX-Request": "true"},
                       data={"file": (io.BytesIO(wav_bytes(0.5)), "again.wav")})
    assert again.status_code == 201 and 'id="growth"' in again.text
    assert not first.exists()  # the old recording is gone from the disk
    _spoken, media = _voice(app, growth.shared.id)
    second = Path(app.config["MEDIA_ROOT"]) / media.path
    assert owner.post(f"/growth/items/{growth.shared.id}/voice/delete").status_code == 303
    assert _voice(app, growth.shared.id) is None and not second.exists()


def test_what_is_not_a_sound_is_refused_with_a_message(app, people, growth):
    owner = people.client("owner")
    picture = _record(owner, growth.shared.id, jpeg_bytes(), "photo.jpg")
    assert picture.status_code == 415 and "not a sound recording" in picture.text
    assert owner.post(f"/growth/items/{growth.shared.id}/voice", data={}).status_code == 400
    assert _voice(app, growth.shared.id) is None
    with app.app_context():  # nothing left on the disk either
        assert not any(p.is_file() for p in Path(app.config["MEDIA_ROOT"]).rglob("*"))


def _join(app, conference):
    phone = app.test_client()
    joined = phone.post(f"/j/{conference.code}", data={"name": "Mum", "role": "family"})
    assert joined.status_code == 200 and "Your questions and comments" in joined.text
    return phone


def test_a_spoken_reflection_reaches_a_phone_only_when_chosen_and_shown(app, people, school):
    owner = people.client("owner")
    first_item = school.slides[1].item_id
    assert _record(owner, first_item).status_code == 303
    _spoken, media = _voice(app, first_item)
    phone = _join(app, school.conference)
    with app.app_context():
        conferences.goto(db.session(), school.conference.id, 1)
    assert _status(phone, f"/media/{media.id}") == 404  # shown, but not chosen for the slides
    assert f"/media/{media.id}" not in phone.get(f"/live/{school.conference.code}/slides/1").text
    assert owner.post(f"/growth/items/{first_item}/voice/slide", data={"on_slide": "y"}).status_code == 303
    assert f"/media/{media.id}" in phone.get(f"/live/{school.conference.code}/slides/1").text
    assert _status(phone, f"/media/{media.id}") == 200
    assert _status(app.test_client(), f"/media/{media.id}") in (302, 404)  # not joined
    with app.app_context():
        s = db.session()
        s.get(PortfolioItem, first_item).visibility = "coach"
        s.commit()
    assert _status(phone, f"/media/{media.id}") == 404


@pytest.fixture
def growth_deck(app, make, people, growth):
    """A conference of a "my growth in …" slide and a "then and now" slide, live on the first."""
    owner = people.owner
    shown = make.image_item(owner, title="SHAREABLE-EVIDENCE", visibility="shareable", alt_text="a square")
    coach_only = make.image_item(owner, title="COACH-ONLY-EVIDENCE", visibility="coach", alt_text="a square")
    draft = make.image_item(owner, title="FIRST-DRAFT", visibility="shareable", alt_text="a draft")
    final = make.image_item(owner, title="FINAL-VERSION", visibility="shareable", alt_text="the final")
    with app.app_context():
        s = db.session()
        get = lambda item: s.get(PortfolioItem, item.id)  # noqa: E731
        for item in (shown, coach_only):
            evidence.place(s, get(item), owner, growth.thinking, growth.steps[1], "WHY-TEXT")
        versions.link(s, get(final), get(draft), "I fixed the gaps")
        pres = Presentation(owner_id=owner.id, title="Growth")
        s.add(pres)
        s.flush()
        slides = [Slide(presentation_id=pres.id, position=0, kind=SlideKind.GROWTH, title="My growth in thinking"),
                  Slide(presentation_id=pres.id, position=1, kind=SlideKind.THEN_NOW, item_id=final.id,
                        title="Then and now")]
        s.add_all(slides)
        s.flush()
        s.add(SlideCompetency(slide_id=slides[0].id, competency_id=growth.thinking.id))
        s.commit()
        conference = conferences.create(s, pres)
        conferences.go_live(s, conference)
        thumbs = {i.id: s.exec(select(MediaFile).where(MediaFile.item_id == i.id, MediaFile.variant == "thumb"))
                  .one().id for i in (shown, coach_only, draft)}
        s.expunge(conference)
    return dict(conference=conference, shown=shown, coach_only=coach_only, draft=draft, final=final, thumbs=thumbs)


def test_a_growth_slide_shows_phones_only_audience_safe_evidence(app, growth_deck):
    d = growth_deck
    phone = _join(app, d["conference"])
    slide = phone.get(f"/live/{d['conference'].code}/slides/0").text
    assert "SHAREABLE-EVIDENCE" in slide and "COACH-ONLY-EVIDENCE" not in slide and "WHY-TEXT" not in slide
    assert f"/media/{d['thumbs'][d['shown'].id]}" in slide
    assert _status(phone, f"/media/{d['thumbs'][d['shown'].id]}") == 200
    assert _status(phone, f"/media/{d['thumbs'][d['coach_only'].id]}") == 404
    assert _status(app.test_client(), f"/media/{d['thumbs'][d['shown'].id]}") in (302, 404)


def test_then_and_now_reaches_a_phone_once_shown_and_only_when_safe(app, growth_deck):
    d = growth_deck
    phone = _join(app, d["conference"])
    then_thumb = f"/media/{d['thumbs'][d['draft'].id]}"
    assert _status(phone, then_thumb) == 404  # its slide has not been shown
    assert phone.get(f"/live/{d['conference'].code}/slides/1").status_code == 404
    with app.app_context():
        conferences.goto(db.session(), d["conference"].id, 1)
    slide = phone.get(f"/live/{d['conference'].code}/slides/1").text
    assert "FIRST-DRAFT" in slide and "FINAL-VERSION" in slide and "I fixed the gaps" in slide
    with app.app_context():
        s = db.session()
        phone_file = s.exec(select(MediaFile).where(MediaFile.item_id == d["draft"].id,
                                                    MediaFile.variant == "phone")).one()
        original = s.exec(select(MediaFile).where(MediaFile.item_id == d["draft"].id,
                                                  MediaFile.variant == "original")).one()
    assert f"/media/{phone_file.id}" in slide and _status(phone, f"/media/{phone_file.id}") == 200
    assert _status(phone, f"/media/{original.id}") == 404  # a picture's original never reaches a phone
    owner = app.test_client()
    from tests.helpers import login

    with app.app_context():
        student = db.session().get(Conference, d["conference"].id).owner_id
        from conference_app.models import User
        login(owner, db.session().get(User, student))
    owner.post(f"/portfolio/items/{d['draft'].id}/edit", data={"title": "FIRST-DRAFT", "visibility": "private"})
    slide = phone.get(f"/live/{d['conference'].code}/slides/1").text
    assert "FIRST-DRAFT" not in slide and "not shown to the audience" in slide
    assert _status(phone, f"/media/{phone_file.id}") == 404


def test_the_agenda_template_brings_growth_and_then_and_now_slides(app, people, growth_deck):
    owner = people.client("owner")
    response = owner.post("/presentations/new", data={"title": "Summer", "start": "template"})
    assert response.status_code == 303
    with app.app_context():
        s = db.session()
        pres = s.exec(select(Presentation).where(Presentation.title == "Summer")).one()
        slides = list(s.exec(select(Slide).where(Slide.presentation_id == pres.id).order_by(Slide.position)))
        kinds = [sl.kind for sl in slides]
        assert [sl.position for sl in slides] == list(range(len(slides)))
        targets = next(n for n, sl in enumerate(slides) if sl.title == "My learning targets")
        assert kinds[targets + 1] == SlideKind.GROWTH and "Critical thinking" in slides[targets + 1].title
        grew = next(n for n, sl in enumerate(slides) if sl.title == "How I grew")
        assert kinds[grew + 1] == SlideKind.THEN_NOW and slides[grew + 1].item_id == growth_deck["final"].id
        assert s.exec(select(SlideCompetency).where(SlideCompetency.slide_id == slides[targets + 1].id)).one()
    editor = owner.get(f"/presentations/{pres.id}").text
    assert "My growth in Critical thinking" in editor and "Growth slides" in editor
    preview = owner.get(f"/presentations/{pres.id}/preview").text
    assert "SHAREABLE-EVIDENCE" in preview and "FIRST-DRAFT" in preview


@pytest.mark.parametrize("who", VIEWERS)
def test_only_the_student_adds_growth_slides(app, people, growth_deck, growth, who):
    with app.app_context():
        pres = db.session().exec(select(Presentation)).first()
    client = people.client(who)
    a = client.post(f"/growth/presentations/{pres.id}/growth", data={"competency_id": growth.talking.id})
    b = client.post(f"/growth/presentations/{pres.id}/then-and-now", data={"item_id": growth_deck["final"].id})
    expected = {"owner": (303, 409), "coach": (403, 403), "anonymous": (302, 302)}.get(who, (404, 404))
    assert (a.status_code, b.status_code) == expected  # the then-and-now slide is there already: 409
    if who == "owner":
        assert client.post(f"/growth/presentations/{pres.id}/growth",
                           data={"competency_id": growth.talking.id}).status_code == 409
        assert client.post(f"/growth/presentations/{pres.id}/growth", data={"competency_id": 999}).status_code == 400
        assert client.post(f"/growth/presentations/{pres.id}/then-and-now",
                           data={"item_id": growth.shared.id}).status_code == 400  # no earlier version


def test_the_record_notes_the_competencies_discussed(app, people, growth_deck):
    d = growth_deck
    with app.app_context():
        s = db.session()
        conference = s.get(Conference, d["conference"].id)
        conferences.end(s, conference)
    page = people.client("owner").get(f"/conferences/{d['conference'].id}/record").text
    assert "Competencies discussed" in page and "Critical thinking" in page and "Communicating" not in page


def test_then_and_now_of_work_a_phone_may_not_see_shows_neither_version(app, people, growth_deck):
    d = growth_deck
    phone = _join(app, d["conference"])
    with app.app_context():
        conferences.goto(db.session(), d["conference"].id, 1)
    people.client("owner").post(f"/portfolio/items/{d['final'].id}/edit",
                                data={"title": "FINAL-VERSION", "visibility": "coach"})
    slide = phone.get(f"/live/{d['conference'].code}/slides/1").text
    assert "not shown to the audience" in slide
    assert "FINAL-VERSION" not in slide and "FIRST-DRAFT" not in slide and "/media/" not in slide
    assert _status(phone, f"/media/{d['thumbs'][d['draft'].id]}") == 404
