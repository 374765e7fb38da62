"""Growth in a real browser: a spoken reflection recorded with Chromium's fake microphone, played back, kept,
found on the item and on a slide a phone follows; and the growth pages at phone and laptop widths."""
import io
from pathlib import Path

import pytest
from sqlmodel import select

from conference_app import db
from conference_app.demo import png, tessellation, voice_wav
from conference_app.growth import evidence, framework, versions
from conference_app.live import conferences
from conference_app.models import (PortfolioItem, Presentation, Slide, SlideCompetency, SlideKind, SpokenReflection,
                                   Visibility)
from conference_app.portfolio import items
from tests.e2e.test_accessibility import violations
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, LAPTOP, PHONE, Guard

FAKE_MIC = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
UPLOAD_MS = 30_000  # a recording goes through the media worker, which may be starting on a busy machine


@pytest.fixture(scope="module")
def mic_browser(playwright_instance):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing")
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + FAKE_MIC)
    yield browser
    browser.close()


@pytest.fixture
def student(make):
    coach = make.coach("coach")
    return make.student("amara", coaches=[coach])


@pytest.fixture
def work(app, make, student):
    """Framework, two versions of a picture (the later one self-assessed) and a presentation showing both."""
    with app.app_context():
        s = db.session()
        comps = [framework.put(s, g, n, d) for g, n, d in (
            ("Communication", "Communicating", "I can share my ideas and listen to others."),
            ("Thinking", "Critical thinking", "I can question, test and improve my work."),
            ("Personal and social", "Personal awareness", "I can notice what helps me learn."))]
        s.commit()
        steps = framework.scale(s)
        first, _ = items.add_upload(s, student, io.BytesIO(png(tessellation(3)).getvalue()), "first.png",
                                    title="Tessellation: first try", visibility=Visibility.SHAREABLE,
                                    alt_text="Triangles with gaps")
        final, _ = items.add_upload(s, student, io.BytesIO(png(tessellation(1)).getvalue()), "final.png",
                                    title="Tessellation", visibility=Visibility.SHAREABLE,
                                    alt_text="Triangles that fit with no gaps")
        versions.link(s, final, first, "I used a grid and rotated each triangle, so there are no gaps.")
        evidence.place(s, first, student, comps[1], steps[0], "My shapes did not fit and I did not know why.")
        evidence.place(s, final, student, comps[1], steps[2], "I tested each triangle on a grid.")
        pres = Presentation(owner_id=student.id, title="Spring day")
        s.add(pres)
        s.flush()
        slides = [Slide(presentation_id=pres.id, position=0, kind=SlideKind.ITEM, item_id=final.id),
                  Slide(presentation_id=pres.id, position=1, kind=SlideKind.THEN_NOW, item_id=final.id,
                        title="Then and now: my tessellation"),
                  Slide(presentation_id=pres.id, position=2, kind=SlideKind.GROWTH,
                        title="My growth in critical thinking")]
        s.add_all(slides)
        s.flush()
        s.add(SlideCompetency(slide_id=slides[2].id, competency_id=comps[1].id))
        s.commit()
        return dict(first=first.id, final=final.id, pres=pres.id)


def _page(browser, live_server, options):
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.guard = Guard(live_server.url)
    page.guard.attach(context, page)
    return context, page


def test_a_spoken_reflection_is_recorded_played_back_and_reaches_the_slide(app, mic_browser, live_server, student,
                                                                          work, sign_in):
    context, page = _page(mic_browser, live_server, LAPTOP)
    try:
        sign_in(page, student)
        page.goto(f"/portfolio/items/{work['final']}")
        page.get_by_role("button", name="Record my reflection").click()
        page.wait_for_function("() => document.querySelector('[data-level]').value > 0.01")  # the meter moves
        page.wait_for_function("() => document.querySelector('[data-time]').textContent !== '0:00'", timeout=5000)
        page.get_by_role("button", name="Stop").click()
        playback = page.locator(".item__spoken [data-playback]")
        playback.wait_for(state="visible")
        assert page.evaluate("""() => new Promise((ok, fail) => {
            const a = document.querySelector('[data-playback]');
            a.muted = true;
            a.play().then(() => setTimeout(() => ok(a.currentTime > 0), 400), fail); })""")
        page.get_by_role("button", name="Record again").click()  # redo
        page.wait_for_function("() => document.querySelector('[data-level]').value > 0.01")  # sound comes in
        page.wait_for_function("() => document.querySelector('[data-time]').textContent !== '0:00'", timeout=5000)
        page.get_by_role("button", name="Stop").click()
        page.get_by_role("button", name="Keep it").click()
        player = page.locator(".spoken__player")
        player.wait_for(timeout=UPLOAD_MS)
        assert "is kept" in page.locator("#growth").inner_text()
        src = player.get_attribute("src")
        assert page.evaluate("src => fetch(src).then(r => r.ok && r.headers.get('content-type'))", src) \
            .startswith("audio/")
        page.get_by_label("Play it on my slides").check()
        page.wait_for_selector("text=It plays on your slides.")
        _say_why(page)
        with app.app_context():
            s = db.session()
            spoken = s.exec(select(SpokenReflection).where(SpokenReflection.item_id == work["final"])).one()
            assert spoken.on_slide
            conference = conferences.create(s, s.get(Presentation, work["pres"]))
            conferences.go_live(s, conference)
            code = conference.code
        phone_context, phone = _page(mic_browser, live_server, PHONE)
        try:
            phone.goto(f"/j/{code}")
            phone.fill("#name", "Mum")
            phone.click("button[type=submit]")
            voice = phone.locator(".slide__voice audio")
            voice.wait_for()
            assert voice.get_attribute("src") == src
            assert phone.evaluate("src => fetch(src).then(r => r.status)", src) == 200
            phone.guard.check()
        finally:
            phone_context.close()
        page.guard.check()
    finally:
        context.close()


def _say_why(page):
    """Record the why of the item's self-assessment with the same recorder, keep it, play it; find it on the growth
    page too (a recording cleaned of its metadata on the server still plays)."""
    speak = page.locator(".evidence__speak")
    speak.locator("summary").click()
    speak.get_by_role("button", name="Record why").click()
    page.wait_for_function("() => document.querySelector('.evidence__speak [data-level]').value > 0.01")
    page.wait_for_function("() => document.querySelector('.evidence__speak [data-time]').textContent !== '0:00'",
                           timeout=5000)
    speak.get_by_role("button", name="Stop").click()
    speak.get_by_role("button", name="Keep it").click()
    page.wait_for_selector("text=Your spoken why is kept.", timeout=UPLOAD_MS)
    assert page.evaluate(_PLAYS, ".evidence__voice")
    for player in (".spoken__player", ".evidence__voice"):  # Chromium's recordings, without "Chrome" as their app
        assert page.evaluate(_STORED_TEXT, player).count("Chrome") == 0
        assert "webm" in page.evaluate(_STORED_TEXT, player)
    page.goto("/growth/")
    assert page.locator(".evidence__voice").count() == 1 and page.evaluate(_PLAYS, ".evidence__voice")
    page.go_back()


_STORED_TEXT = """selector => fetch(document.querySelector(selector).src)
    .then(r => r.arrayBuffer()).then(b => new TextDecoder("latin1").decode(b))"""
_PLAYS = """selector => new Promise((ok, fail) => {
    const a = document.querySelector(selector);
    a.muted = true;
    a.play().then(() => setTimeout(() => ok(a.currentTime > 0), 400), fail); })"""


def test_where_the_browser_cannot_record_it_says_so_and_offers_the_upload(app, browser, live_server, student, work,
                                                                          sign_in):
    context, page = _page(browser, live_server, PHONE)
    try:
        page.add_init_script("delete window.MediaRecorder")
        sign_in(page, student)
        page.goto(f"/portfolio/items/{work['final']}")
        assert page.locator(".item__spoken [data-unsupported]").is_visible()
        assert not page.get_by_role("button", name="Record my reflection").is_visible()
        assert page.get_by_label("Or choose a sound file", exact=True).is_visible()
        page.guard.check()
    finally:
        context.close()


def test_growth_pages_look_right(app, browser, live_server, make, student, work, sign_in, screenshot):
    admin = make.admin("admin")
    with app.app_context():  # the self-assessment's why, spoken
        s = db.session()
        final = s.get(PortfolioItem, work["final"])
        evidence.speak_why(s, evidence.own_placement(s, final, evidence.for_item(s, final)[0].competency.id), final,
                           voice_wav(1.0))
    for options in (PHONE, LAPTOP):
        width = options["viewport"]["width"]
        context, page = _page(browser, live_server, options)
        try:
            sign_in(page, admin)
            page.goto("/growth/framework")
            shots = [screenshot(page, "growth-framework")]
            page.guard.allow("status of 422")  # the preview of a file with bad lines
            for name, text in (("growth-import-preview", PREVIEW_CSV), ("growth-import-preview-errors", BAD_CSV)):
                page.locator("#file").set_input_files(files=[{"name": "framework.csv", "mimeType": "text/csv",
                                                              "buffer": text.encode()}])
                page.get_by_role("button", name="Preview").click()
                page.locator("#import-preview").wait_for()
                shots.append(screenshot(page, name))
                assert not violations(page), name
            assert page.locator("text=Line 6: a competency needs its group and its name.").is_visible()
            context.clear_cookies()
            sign_in(page, student)
            page.goto(f"/portfolio/items/{work['final']}")
            page.locator(".assess summary").click()
            page.locator(".evidence__speak summary").click()
            shots.append(screenshot(page, "growth-self-assessment"))
            assert not violations(page)  # two recorders on one page, the spoken why's player
            page.locator(".evidence__row").first.scroll_into_view_if_needed()
            shots.append(_viewport(page, "growth-spoken-why"))
            page.locator("#versions-head").scroll_into_view_if_needed()
            shots.append(_viewport(page, "growth-versions-side-by-side"))
            page.goto("/growth/")
            assert page.locator(".timeline__step").count() == 2
            shots.append(screenshot(page, "growth-page"))
            page.goto(f"/presentations/{work['pres']}/preview")
            page.locator("[data-deck-next]").click()
            page.locator(".then-now img").first.wait_for()
            shots.append(_viewport(page, "growth-then-and-now-slide"))
            page.locator("[data-deck-next]").click()
            page.locator(".slide-growth").wait_for()
            shots.append(_viewport(page, "growth-my-growth-slide"))
            page.guard.check()
        finally:
            context.close()
        # (test-output/screenshots/; the README's copies in docs/screenshots/ are chosen by hand, not by a test run)
        assert all(shot.is_file() and shot.name.endswith(f"-{width}.png") for shot in shots), shots


PREVIEW_CSV = ("group,competency,I can\n"
               "Thinking,Critical thinking,\"I can question, test and improve my work.\"\n"
               "Thinking,Creative thinking,I can get new ideas and try them out.\n"
               "Communication,Collaborating,I can share the work of a group fairly.\n"
               "Self-management,Managing time,I can plan my week and keep to the plan.\n")
BAD_CSV = PREVIEW_CSV + ",Nameless,x\n" + "Thinking,critical thinking,again\n" + "Thinking,Testing,I test, I check\n"


def _viewport(page, name):
    from tests.e2e.conftest import _screenshot

    return _screenshot(page, name, full_page=False)

