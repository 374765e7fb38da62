"""The template, adding slides and items, autosave, total time, preview, readiness, goals, bad input."""
from sqlmodel import select

from conference_app import db
from conference_app.models import Goal, ItemKind, MediaFile, Presentation, Slide, SlideKind, Visibility
from conference_app.presentations.slides import AGENDA_TEMPLATE, deck, readiness

HX = {"HX-Request": "true"}


def create(client, title="Term 3", start="template"):
    r = client.post("/presentations/new", data={"title": title, "start": start})
    assert r.status_code == 303, r.text
    return int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def test_template_gives_the_student_led_conference_agenda(app, cast, decks):
    owner = cast["client"]("owner")
    pid = create(owner)
    with app.app_context():
        slides = db.session().exec(select(Slide).where(Slide.presentation_id == pid).order_by(Slide.position)).all()
    titles = [sl.title for sl in slides]
    assert titles == ["Welcome to my conference", "Today", "My learning targets", "Work I'm proud of",
                      "Work that was hard", "How I grew", "Strengths and challenges", "Progress on my goals",
                      "My new goals", "Questions for you", "Actions we agree"]
    assert [sl.kind for sl in slides][:2] == ["title", "agenda"]
    assert slides[7].kind == SlideKind.GOALS and slides[9].kind == SlideKind.QUESTIONS
    assert [sl.position for sl in slides] == list(range(len(AGENDA_TEMPLATE)))
    assert all(sl.talking_points for sl in slides), "each slide has talking-point prompts"
    page = owner.get(f"/presentations/{pid}").text
    assert "Work I&#39;m proud of" in page or "Work I'm proud of" in page
    assert "17 min planned" in page  # a length, never "17:00", which reads as a time of day


def test_blank_presentation_and_several_per_student(app, cast):
    owner = cast["client"]("owner")
    first = create(owner, "Autumn", "blank")
    second = create(owner, "Spring", "template")
    assert first != second
    with app.app_context():
        assert db.session().exec(select(Slide).where(Slide.presentation_id == first)).all() == []
    listing = owner.get("/presentations/").text
    assert "Autumn" in listing and "Spring" in listing


def test_double_submit_of_new_makes_one_presentation(app, cast):
    owner = cast["client"]("owner")
    assert create(owner, "Twice") == create(owner, "Twice")


def test_new_presentation_needs_a_title(cast):
    r = cast["client"]("owner").post("/presentations/new", data={"title": "", "start": "blank"})
    assert r.status_code == 422 and "This field is required" in r.text
    r = cast["client"]("owner").post("/presentations/new", data={"title": "x" * 201, "start": "blank"})
    assert r.status_code == 422


def test_agenda_slide_lists_the_sections_and_goals_slide_the_goals_with_status(app, cast):
    owner = cast["client"]("owner")
    owner.post("/goals/", data={"text": "Speak up in class"})
    owner.post("/goals/", data={"text": "Finish my book"})
    with app.app_context():
        done = db.session().exec(select(Goal).where(Goal.text == "Finish my book")).one()
    owner.post(f"/goals/{done.id}/toggle")
    pid = create(owner)
    preview = owner.get(f"/presentations/{pid}/preview").text
    assert "Speak up in class" in preview
    # every goal with its status (issue 5: last conference's actions show how they went), open ones first
    assert preview.index("Speak up in class") < preview.index("Finish my book")
    assert "In progress" in preview and "Done" in preview
    assert preview.count("<li>My learning targets</li>") == 1  # the agenda


def test_goal_double_submit_and_bad_input(app, cast):
    owner = cast["client"]("owner")
    owner.post("/goals/", data={"text": "Read more"})
    owner.post("/goals/", data={"text": "Read more"})
    r = owner.post("/goals/", data={"text": "x" * 501}, headers=HX)
    assert r.status_code == 422 and "500" in r.text
    with app.app_context():
        assert len(db.session().exec(select(Goal)).all()) == 1
    r = owner.post("/goals/", data={"text": "Read more again"}, headers=HX)
    assert r.status_code == 200 and 'id="goal-box"' in r.text


def test_add_item_and_pdf_page(app, cast, decks, make):
    owner_user = cast["people"]["owner"]
    owner = cast["client"]("owner")
    pres = decks.make(owner_user, kinds=())
    doc = make.item(owner_user, kind=ItemKind.DOCUMENT, title="Lab report", alt_text="A report",
                    visibility=Visibility.SHAREABLE)
    with app.app_context():  # a document with two pages of images (no real PDF needed here)
        s = db.session()
        for page in (1, 2):
            for variant in ("thumb", "phone", "projector"):
                s.add(MediaFile(item_id=doc.id, variant=variant, page=page, path=f"x/{variant}{page}.webp",
                                mime="image/webp"))
        s.commit()
    r = owner.post(f"/presentations/{pres.id}/slides", data={"kind": "item", "item_id": doc.id, "page": 2}, headers=HX)
    assert r.status_code == 200 and "page 2" in r.text
    r = owner.post(f"/presentations/{pres.id}/slides", data={"kind": "item", "item_id": doc.id, "page": 2}, headers=HX)
    assert r.status_code == 409 and "already" in r.text
    assert owner.post(f"/presentations/{pres.id}/slides", data={"kind": "item", "item_id": doc.id, "page": 7},
                      headers=HX).status_code == 400
    assert owner.post(f"/presentations/{pres.id}/slides", data={"kind": "item", "item_id": cast["item"].id, "page": 1},
                      headers=HX).status_code == 400  # an image has no pages
    r = owner.post(f"/presentations/{pres.id}/slides", data={"kind": "item", "item_id": cast["item"].id}, headers=HX)
    assert r.status_code == 200
    slides = decks.slides(pres)
    assert [(sl.item_id, sl.page) for sl in slides] == [(doc.id, 2), (cast["item"].id, None)]
    preview = owner.get(f"/presentations/{pres.id}/preview").text
    assert "Page 2" in preview and "Page 1" not in preview


def test_item_of_another_student_and_unknown_kinds_are_refused(cast, decks, make):
    theirs = make.image_item(cast["people"]["other_student"], title="Not yours")
    pres = cast["pres"]
    owner = cast["client"]("owner")
    before = decks.ids(pres)
    r = owner.post(f"/presentations/{pres.id}/slides", data={"kind": "item", "item_id": theirs.id}, headers=HX)
    assert r.status_code == 404 and "not in your portfolio" in r.text
    assert r.headers["HX-Retarget"] == "#messages"
    assert owner.post(f"/presentations/{pres.id}/slides", data={"kind": "item"}, headers=HX).status_code == 404
    assert owner.post(f"/presentations/{pres.id}/slides", data={"kind": "bogus"}, headers=HX).status_code == 400
    assert owner.post(f"/presentations/{pres.id}/slides", data={}).status_code == 400
    sideways = owner.post(f"/presentations/{pres.id}/slides/{before[0]}/move", data={"direction": "sideways"})
    assert sideways.status_code == 400
    assert owner.post("/presentations/999999/slides", data={"kind": "title"}).status_code == 404
    assert owner.post(f"/presentations/{pres.id}/slides/999999", data={}).status_code == 404
    assert decks.ids(pres) == before


def test_autosave_slide_fields_and_total_time(app, cast, decks):
    owner = cast["client"]("owner")
    pres = cast["pres"]
    sid = decks.ids(pres)[0]
    r = owner.post(f"/presentations/{pres.id}/slides/{sid}", headers=HX, data={
        f"slide-{sid}-title": "Hello everyone", f"slide-{sid}-body": "Welcome",
        f"slide-{sid}-prompt": "Ask me how I made this",
        f"slide-{sid}-talking_points": "Smile", f"slide-{sid}-minutes": "1", f"slide-{sid}-seconds": "30"})
    assert r.status_code == 200 and "Saved" in r.text
    assert 'id="total-time" hx-swap-oob="innerHTML">1 min 30 s planned<' in r.text
    slide = decks.slides(pres)[0]
    assert (slide.title, slide.prompt, slide.talking_points, slide.duration_seconds) == \
        ("Hello everyone", "Ask me how I made this", "Smile", 90)
    sid2 = decks.ids(pres)[1]
    owner.post(f"/presentations/{pres.id}/slides/{sid2}",
               data={f"slide-{sid2}-minutes": "10", f"slide-{sid2}-seconds": "5"})
    page = owner.get(f"/presentations/{pres.id}").text
    assert ">11 min 35 s planned<" in page


def test_too_long_text_is_refused_with_a_message(cast, decks):
    owner = cast["client"]("owner")
    pres = cast["pres"]
    sid = decks.ids(pres)[0]
    r = owner.post(f"/presentations/{pres.id}/slides/{sid}", headers=HX, data={f"slide-{sid}-prompt": "x" * 301})
    assert r.status_code == 422 and "300" in r.text
    assert r.headers["HX-Retarget"] == f"#slide-{sid}-status"
    r = owner.post(f"/presentations/{pres.id}/slides/{sid}", data={f"slide-{sid}-seconds": "75"})
    assert r.status_code == 422
    assert decks.slides(pres)[0].prompt == ""


def test_talking_points_never_in_the_audience_partial(app, cast, decks):
    owner = cast["client"]("owner")
    pres = cast["pres"]
    sid = decks.ids(pres)[0]
    owner.post(f"/presentations/{pres.id}/slides/{sid}", data={f"slide-{sid}-talking_points": "SECRET-NOTE",
                                                                f"slide-{sid}-prompt": "Ask me"})
    from flask import render_template
    with app.test_request_context():
        s = db.session()
        views = deck(s, s.get(Presentation, pres.id))
        html = "".join(render_template("presentations/_slide.html", view=v) for v in views)
        notes = render_template("presentations/_presenter.html", view=views[0])
    assert "SECRET-NOTE" not in html and "Ask me" in html
    assert "SECRET-NOTE" in notes
    preview = owner.get(f"/presentations/{pres.id}/preview").text
    assert "What the audience sees" in preview and "What only you see" in preview and "SECRET-NOTE" in preview


def test_deck_needs_a_fixed_number_of_queries(app, cast, decks, make):
    from sqlalchemy import event
    owner = cast["people"]["owner"]
    few = decks.make(owner, kinds=(SlideKind.GOALS,), items=[make.image_item(owner)])
    many = decks.make(owner, kinds=(SlideKind.GOALS, SlideKind.AGENDA) * 4,
                      items=[make.image_item(owner) for _ in range(5)])

    def count(pres):
        with app.app_context():
            s = db.session()
            p = s.get(Presentation, pres.id)
            n = [0]
            engine = app.extensions["db_engine"]

            def listener(*_):
                n[0] += 1

            event.listen(engine, "before_cursor_execute", listener)
            try:
                views = deck(s, p)
            finally:
                event.remove(engine, "before_cursor_execute", listener)
            return n[0], views
    n_few, _ = count(few)
    n_many, views = count(many)
    assert n_few == n_many
    assert all(v.files for v in views if v.item)


def test_readiness_lists_what_to_fix(app, cast, decks, make):
    owner = cast["people"]["owner"]
    private = make.image_item(owner, title="Private one", visibility=Visibility.PRIVATE, alt_text="x")
    flagged = make.image_item(owner, title="Group photo", visibility=Visibility.SHAREABLE, shows_children=True,
                              alt_text="children")
    no_alt = make.image_item(owner, title="No words", visibility=Visibility.SHAREABLE)
    fine = make.image_item(owner, title="All good", visibility=Visibility.SHAREABLE, alt_text="good")
    writing = make.item(owner, title="Essay", visibility=Visibility.SHAREABLE)  # writing needs no alt text
    pres = decks.make(owner, kinds=(SlideKind.TITLE,), items=[private, flagged, no_alt, fine, writing])
    client = cast["client"]("owner")
    page = client.get(f"/presentations/{pres.id}/readiness").text
    assert "3 things to fix" in page
    assert "Private one" in page and "only you" in page and f"/portfolio/items/{private.id}/edit" in page
    assert "Group photo" in page and "not approved" in page and f"/portfolio/items/{flagged.id}" in page
    assert "No words" in page and "no description" in page and f"/portfolio/items/{no_alt.id}/edit" in page
    assert "All good" not in page and "Essay" not in page
    with app.test_request_context():
        problems = readiness(db.session(), db.session().get(Presentation, pres.id))
        assert [(p.number, p.slide.item_id) for p in problems] == [(2, private.id), (3, flagged.id), (4, no_alt.id)]
    # fixing them makes it ready; a coach's approval counts
    coach = cast["client"]("coach")
    assert coach.post(f"/portfolio/items/{flagged.id}/approve").status_code == 303
    client.post(f"/portfolio/items/{private.id}/edit", data={"title": "Private one", "visibility": "shareable",
                                                            "alt_text": "x"})
    client.post(f"/portfolio/items/{no_alt.id}/edit", data={"title": "No words", "visibility": "shareable",
                                                           "alt_text": "Now described"})
    page = client.get(f"/presentations/{pres.id}/readiness").text
    assert "Ready: every slide can be shown" in page
    # coach sees the list but not the fix links (only the owner can fix)
    assert "Ready" in coach.get(f"/presentations/{pres.id}/readiness").text


def test_readiness_of_an_empty_presentation_and_coach_only_items(app, cast, decks, make):
    owner = cast["people"]["owner"]
    empty = decks.make(owner, kinds=())
    assert "no slides yet" in cast["client"]("owner").get(f"/presentations/{empty.id}/readiness").text
    coach_only = make.item(owner, title="For my coach", visibility=Visibility.COACH)
    pres = decks.make(owner, kinds=(), items=[coach_only])
    r = cast["client"]("owner").get(f"/presentations/{pres.id}/readiness", headers=HX)
    assert "only you and your coach" in r.text and "<html" not in r.text


def test_unsafe_item_is_withheld_from_the_audience_slide(app, cast, decks, make):
    owner = cast["people"]["owner"]
    flagged = make.item(owner, title="Group work", visibility=Visibility.SHAREABLE, shows_children=True,
                        body="FACES-OF-OTHERS")
    pres = decks.make(owner, kinds=(), items=[flagged])
    page = cast["client"]("owner").get(f"/presentations/{pres.id}/preview").text
    assert "FACES-OF-OTHERS" not in page
    assert "not shown to the audience" in page and "waits for a coach" in page


def test_picker_filters_by_kind_and_tag(app, cast, make):
    owner_user = cast["people"]["owner"]
    owner = cast["client"]("owner")
    essay = make.item(owner_user, title="My essay")
    client_tags = owner.post(f"/portfolio/items/{essay.id}/edit",
                             data={"title": "My essay", "body": "x", "tags": "proud", "visibility": "coach"})
    assert client_tags.status_code == 303
    pid = cast["pres"].id
    r = owner.get(f"/presentations/{pid}/picker", headers=HX)
    assert "My essay" in r.text and "Painting" in r.text and "<html" not in r.text
    assert "/media/" in r.text  # thumbnails
    assert "In this presentation" in r.text  # the painting is already a slide
    r = owner.get(f"/presentations/{pid}/picker?kind=image", headers=HX)
    assert "My essay" not in r.text and "Painting" in r.text
    r = owner.get(f"/presentations/{pid}/picker?tag=proud", headers=HX)
    assert "My essay" in r.text and "Painting" not in r.text
    page = owner.get(f"/presentations/{pid}/picker")
    assert page.status_code == 200 and "<html" in page.text


def test_rename_and_delete(app, cast):
    owner = cast["client"]("owner")
    pid = cast["pres"].id
    assert owner.post(f"/presentations/{pid}", data={"title": ""}, headers=HX).status_code == 422
    assert owner.post(f"/presentations/{pid}", data={"title": "Summer"}).status_code == 303
    assert "Summer" in owner.get("/presentations/").text
    assert owner.post(f"/presentations/{pid}/delete").status_code == 303
    assert owner.get(f"/presentations/{pid}").status_code == 404
    with app.app_context():
        assert db.session().exec(select(Slide).where(Slide.presentation_id == pid)).all() == []
