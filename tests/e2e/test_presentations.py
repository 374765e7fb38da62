"""Presentations in a real browser: drag and drop (mouse and touch) and keyboard reordering at phone and
laptop widths, saved on the server; the editor, preview and readiness pages look right (screenshots)."""
import pytest
from sqlmodel import select

from conference_app import db
from conference_app.models import Presentation, Slide, SlideKind, Visibility

KINDS = (SlideKind.TITLE, SlideKind.AGENDA, SlideKind.SECTION, SlideKind.GOALS, SlideKind.QUESTIONS)


@pytest.fixture
def student(make):
    coach = make.coach("coach")
    return make.student("amara", coaches=[coach])


@pytest.fixture
def deck(app, student, make):
    """A presentation of five structure slides and two pieces of work."""
    painting = make.image_item(student, title="Sunset painting", visibility=Visibility.SHAREABLE,
                               alt_text="An orange sun over hills")
    untitled = make.image_item(student, title="Tessellation", visibility=Visibility.SHAREABLE)
    with app.app_context():
        s = db.session()
        pres = Presentation(owner_id=student.id, title="Spring day")
        s.add(pres)
        s.flush()
        for n, kind in enumerate(KINDS):
            s.add(Slide(presentation_id=pres.id, position=n, kind=kind, title=f"Slide {'ABCDE'[n]}",
                        talking_points=f"Notes for {'ABCDE'[n]}", duration_seconds=60))
        s.add(Slide(presentation_id=pres.id, position=5, kind=SlideKind.ITEM, item_id=painting.id,
                    prompt="Ask me how I mixed the colours"))
        s.add(Slide(presentation_id=pres.id, position=6, kind=SlideKind.ITEM, item_id=untitled.id))
        s.commit()
        return pres


def server_titles(app, pres) -> list[str]:
    with app.app_context():
        s = db.session()
        slides = s.exec(select(Slide).where(Slide.presentation_id == pres.id).order_by(Slide.position)).all()
        assert [sl.position for sl in slides] == list(range(len(slides)))
        return [sl.title or f"item {sl.item_id}" for sl in slides]


def page_titles(page) -> list[str]:
    return page.locator("#slides .slide-row__title").all_inner_texts()


def drag_with_mouse(page, source, target):
    """A real pointer drag: press on the handle, move in steps past the target's middle, release."""
    a, b = source.bounding_box(), target.bounding_box()
    x, y = a["x"] + a["width"] / 2, a["y"] + a["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + 8, steps=4)
    page.mouse.move(x, b["y"] + b["height"] * 0.75, steps=20)
    page.wait_for_timeout(200)
    page.mouse.up()


def drag_with_touch(page, source, target):
    """A real touch drag through the DevTools protocol (touchStart, touchMove…, touchEnd)."""
    cdp = page.context.new_cdp_session(page)
    a, b = source.bounding_box(), target.bounding_box()
    x, y0 = a["x"] + a["width"] / 2, a["y"] + a["height"] / 2
    y1 = b["y"] + b["height"] * 0.75
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y0}]})
    for i in range(1, 21):
        cdp.send("Input.dispatchTouchEvent",
                 {"type": "touchMove", "touchPoints": [{"x": x, "y": y0 + (y1 - y0) * i / 20}]})
        page.wait_for_timeout(15)
    page.wait_for_timeout(200)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_drag_and_drop_saves_the_order(app, open_page, sign_in, student, deck, size, screenshot):
    page = open_page(size)
    sign_in(page, student)
    page.goto(f"/presentations/{deck.id}")
    assert page_titles(page)[:3] == ["Slide A", "Slide B", "Slide C"]
    handles = page.locator("#slides .slide-row__handle")
    rows = page.locator("#slides .slide-row")
    rows.nth(2).scroll_into_view_if_needed()
    with page.expect_response(lambda r: r.url.endswith("/order") and r.request.method == "POST") as answer:
        if size == "phone":
            drag_with_touch(page, handles.nth(0), rows.nth(2))
        else:
            drag_with_mouse(page, handles.nth(0), rows.nth(2))
    assert answer.value.status == 200
    page.wait_for_function("() => !document.querySelector('#slides[aria-busy]')")
    expected = ["Slide B", "Slide C", "Slide A", "Slide D", "Slide E"]
    assert page_titles(page)[:5] == expected
    assert server_titles(app, deck)[:5] == expected
    # the new list is live: drag again (back up to the top)
    with page.expect_response(lambda r: r.url.endswith("/order")):
        source, target = page.locator("#slides .slide-row__handle").nth(2), page.locator("#slides .slide-row").nth(0)
        target.scroll_into_view_if_needed()
        if size == "phone":
            drag_with_touch(page, source, target)
        else:
            drag_with_mouse(page, source, target)
    page.wait_for_function("() => !document.querySelector('#slides[aria-busy]')")
    assert server_titles(app, deck)[0] == "Slide A" or server_titles(app, deck)[1] == "Slide A"
    assert page_titles(page)[:5] == server_titles(app, deck)[:5]
    screenshot(page, f"editor-after-drag-{size}", full_page=False)


def press_and_wait(page, key):
    """Press key on the focused move button; wait until the server's new list is in the page and live
    (htmx has processed it and presentations.js has put the focus back: data-focus is then emptied)."""
    page.evaluate("() => { document.getElementById('slides-box').dataset.stale = '1'; }")
    with page.expect_response(lambda r: "/move" in r.url):
        page.keyboard.press(key)
    page.wait_for_function("() => { const box = document.getElementById('slides-box');"
                           " return !box.dataset.stale && box.dataset.focus === ''; }")


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_keyboard_reordering(app, open_page, sign_in, student, deck, size):
    page = open_page(size)
    sign_in(page, student)
    page.goto(f"/presentations/{deck.id}")
    first = page.locator("#slides .slide-row").first.get_attribute("data-id")
    page.locator(f"#move-down-{first}").focus()
    press_and_wait(page, "Enter")
    assert page.evaluate("() => document.activeElement.id") == f"move-down-{first}"
    assert page_titles(page)[:2] == ["Slide B", "Slide A"]
    press_and_wait(page, "Space")  # focus stayed on the same slide's button: move it again
    assert page_titles(page)[:3] == ["Slide B", "Slide C", "Slide A"]
    assert server_titles(app, deck)[:3] == ["Slide B", "Slide C", "Slide A"]
    page.locator(f"#move-up-{first}").focus()
    press_and_wait(page, "Enter")
    press_and_wait(page, "Enter")
    # at the top the up button is disabled, so focus moved to the down button of the same slide
    assert page.evaluate("() => document.activeElement.id") == f"move-down-{first}"
    assert page_titles(page)[:3] == server_titles(app, deck)[:3] == ["Slide A", "Slide B", "Slide C"]
    assert "position 1 of 7" in page.locator("#order-status").inner_text()


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_pages_look_right(app, open_page, sign_in, student, deck, size, screenshot):
    """Screenshots to look at; plus nothing overflows sideways."""
    page = open_page(size)
    sign_in(page, student)
    page.goto("/presentations/")
    page.fill("#goal-text", "Speak up in class")
    with page.expect_response(lambda r: r.url.endswith("/goals/")):
        page.click("text=Add goal")
    page.wait_for_selector("text=Speak up in class")
    screenshot(page, "presentations-list")
    page.goto(f"/presentations/{deck.id}")
    page.click("text=Choose work to add")
    page.wait_for_selector(".picker__items .pick")
    page.locator("#slides .slide-row__details > summary").first.click()
    screenshot(page, "editor")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), "sideways scroll"
    # autosave: type talking points; the planned total updates without a reload
    first = page.locator("#slides .slide-row").first
    first.locator("input[name$='-minutes']").fill("3")
    with page.expect_response(lambda r: "/slides/" in r.url and r.request.method == "POST"):
        first.locator("textarea[name$='-talking_points']").fill("Say thank you")
    page.wait_for_function("() => document.getElementById('total-time').textContent.trim() === '7 min planned'")
    page.goto(f"/presentations/{deck.id}/readiness")
    assert "Tessellation" in page.inner_text("main")
    screenshot(page, "readiness")
    page.goto(f"/presentations/{deck.id}/preview")
    screenshot(page, "preview", full_page=False)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), "sideways scroll"


def test_preview_keyboard_steps_through_the_slides(app, open_page, sign_in, student, deck, screenshot):
    page = open_page("laptop")
    sign_in(page, student)
    page.goto(f"/presentations/{deck.id}/preview")
    def visible():
        return page.locator(".deck__slide:not([hidden]) .slide__title").inner_text()

    def notes():
        return page.locator(".deck__note:not([hidden])").inner_text()

    assert visible() == "Slide A" and "Notes for A" in notes()
    page.keyboard.press("ArrowRight")
    assert visible() == "Slide B" and "Notes for B" in notes()
    page.keyboard.press("Space")
    page.keyboard.press("PageDown")
    assert visible() == "Slide D"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowUp")
    assert visible() == "Slide B"
    page.keyboard.press("End")
    assert page.locator("[data-deck-count]").inner_text() == "7 / 7"
    assert "This is the last slide." in notes()
    page.keyboard.press("Home")
    assert visible() == "Slide A"
    assert "Slide 1 of 7" in page.locator("[data-deck-status]").inner_text()
    page.click("[data-deck-next]")
    assert visible() == "Slide B"
    # the audience pane never shows talking points; "what only I see" can be hidden
    assert "Notes for" not in page.locator(".deck__stage").inner_text()
    page.click("[data-deck-notes]")
    assert not page.locator(".deck__notes").is_visible()
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")
    assert "Ask me how I mixed the colours" in page.locator(".deck__slide:not([hidden])").inner_text()
    screenshot(page, "preview-work", full_page=False)


def test_coach_comments_and_student_sees_them(app, open_page, sign_in, student, deck, make, screenshot):
    from conference_app.models import User
    with app.app_context():
        coach = db.session().exec(select(User).where(User.username == "coach")).one()
    page = open_page("phone")
    sign_in(page, coach)
    page.goto(f"/presentations/student/{student.id}")
    page.click("text=Spring day")
    page.locator("#slides .slide-row__details > summary").first.click()
    page.fill("#slides textarea[name=body] >> nth=0", "Look at your family when you say this")
    with page.expect_response(lambda r: r.url.endswith("/comments")):
        page.click("text=Add comment >> nth=0")
    page.wait_for_selector("text=Look at your family when you say this")
    screenshot(page, "coach-view")
    student_page = open_page("laptop")
    sign_in(student_page, student)
    student_page.goto(f"/presentations/{deck.id}")
    assert student_page.locator("text=Look at your family when you say this").is_visible()
    assert student_page.get_by_role("button", name="Delete your comment").count() == 0  # the coach's to take back
    screenshot(student_page, "student-sees-comment", full_page=False)
    with page.expect_response(lambda r: r.url.endswith("/delete")):
        page.get_by_role("button", name="Delete your comment “Look at your family when you say this”").click()
    page.get_by_text("Look at your family when you say this").wait_for(state="detached")


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_demo_school_has_a_ready_made_presentation(app, open_page, sign_in, size, screenshot):
    """The demo's Amara has a presentation from the template with her work in it; screenshots with real media."""
    from conference_app.demo import PASSWORD, build_demo_school
    from conference_app.models import User

    list(build_demo_school(app))
    with app.app_context():
        amara = db.session().exec(select(User).where(User.username == "amara")).one()
    page = open_page(size)
    sign_in(page, amara, PASSWORD)
    page.goto("/presentations/")
    page.click("text=Spring e-Portfolio day")
    page.locator("#slides .slide-row__title").first.wait_for()  # the editor, not the list still showing
    titles = page_titles(page)
    assert titles[0] == "Welcome to my conference" and "Sunset over the estuary" in titles
    assert "Lab report: light and cress" in titles
    screenshot(page, "demo-editor", full_page=False)
    ready = page.locator("#readiness").inner_text()
    assert "Tessellation" in ready  # no description yet: the demo shows the readiness check at work
    page.click("text=Preview")
    page.wait_for_url("**/preview")
    page.wait_for_load_state("load")
    for _ in range(titles.index("Sunset over the estuary")):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => [...document.querySelectorAll('.deck__slide:not([hidden]) img')]"
                           ".every(i => i.complete && i.naturalWidth > 0)")
    screenshot(page, "demo-preview-work", full_page=False)
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    assert "My learning targets" in page.locator(".deck__slide:not([hidden])").inner_text()  # the agenda
    goals = titles.index("Progress on my goals")
    page.keyboard.press("Home")
    for _ in range(goals):
        page.keyboard.press("ArrowRight")
    assert "Speak up in class" in page.locator(".deck__slide:not([hidden])").inner_text()
    screenshot(page, "demo-preview-goals", full_page=False)
