"""A real browser: three phones send feedback on different slides, the presenter sees it live, the coach
hides one and it vanishes from the phones, the conference ends and the record shows everything."""
from types import SimpleNamespace


PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


def join(page, code, name):
    page.goto(f"/j/{code}")
    page.fill("#name", name)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/live/{code}")
    page.wait_for_selector("[data-live-status][data-state=live]")


def send(page, kind_label, text):
    page.locator("#feedback-form .chip", has_text=kind_label).click()
    page.fill("#feedback-body", text)
    page.click("#feedback-form button[type=submit]")
    page.wait_for_selector("#feedback-form [data-send-status]:has-text('Sent')")
    page.wait_for_selector(f"#feedback-feed >> text={text}")


def test_three_phones_presenter_coach_and_the_record(app, make, open_page, sign_in, screenshot):
    school = make.school()
    code, cid = school.conference.code, school.conference.id

    presenter = open_page("laptop")
    presenter.on("dialog", lambda d: d.accept())
    sign_in(presenter, school.student)
    presenter.goto(f"/conferences/{cid}/present")
    presenter.wait_for_selector("[data-live-status][data-state=live]")

    coach = open_page("phone")
    sign_in(coach, SimpleNamespace(username="coach"))
    join(coach, code, "Ms Okafor")
    coach.click("text=Coach panel")
    coach.wait_for_url(f"**/conferences/{cid}/coach")
    coach.wait_for_selector("[data-live-status][data-state=live]")

    mum, dad, gran = (open_page("phone") for _ in range(3))
    for page, name in ((mum, "Mum"), (dad, "Dad"), (gran, "Gran")):
        join(page, code, name)
        page.wait_for_selector("#slide .follow-slide[data-position='0']")

    # slide 1: Mum asks; slide 3: Dad suggests; Gran looks back at slide 1 and praises it
    presenter.click("[data-goto=next]")
    mum.wait_for_selector("#slide .follow-slide[data-position='1']")
    send(mum, "Question", "How did you mix that red?")
    presenter.click("[data-goto=next]")
    presenter.wait_for_selector(".presenter-slide[data-position='2']")
    presenter.click("[data-goto=next]")
    dad.wait_for_selector("#slide .follow-slide[data-position='3']")
    send(dad, "Next time you could", "Next time try a bigger canvas")
    gran.wait_for_selector("#slide .follow-slide[data-position='3']")
    gran.click("[data-browse-step='-1']")  # back to 2
    gran.wait_for_selector("#slide .follow-slide[data-position='2']")
    gran.click("[data-browse-step='-1']")  # back to 1
    gran.wait_for_selector("#slide .follow-slide[data-position='1']")
    send(gran, "What impressed me", "<b>Such</b> a steady hand <script>alert(1)</script>")

    # the presenter and the coach see all three, live, with the slide each was about
    for page in (presenter, coach):
        feed = page.locator("#feedback-feed")
        for text in ("How did you mix that red?", "Next time try a bigger canvas", "Such</b> a steady hand"):
            feed.locator(".fb", has_text=text).wait_for()
    assert "Slide 2" in presenter.locator(".fb", has_text="steady hand").inner_text()  # browsed back: slide 2 of 5
    assert "Slide 4" in presenter.locator(".fb", has_text="bigger canvas").inner_text()
    assert presenter.locator("#feedback-feed b").count() == 0  # shown as text, never as HTML
    # everyone's feedback reaches every phone
    mum.locator("#feedback-feed .fb", has_text="bigger canvas").wait_for()
    screenshot(presenter, "feedback-presenter")
    screenshot(coach, "feedback-coach-panel")
    screenshot(gran, "feedback-phone")

    # the coach hides Mum's question: it vanishes from the other phones (reloaded too), Mum is told it was not
    # shown to everyone, and it stays marked for the coach
    coach.locator(".fb", has_text="mix that red").get_by_role("button", name="Hide").click()
    coach.locator(".fb--hidden", has_text="mix that red").wait_for()
    for page in (dad, gran):
        page.locator("#feedback-feed .fb", has_text="mix that red").wait_for(state="detached")
    mum.locator("#feedback-feed .fb", has_text="mix that red").locator("text=Not shown to everyone.").wait_for()
    presenter.locator(".fb--hidden", has_text="mix that red").wait_for()
    mum.reload()  # and after a reload Mum still has it, still told
    mum.wait_for_selector("[data-live-status][data-state=live]")
    mum.locator("#feedback-feed .fb", has_text="mix that red").locator("text=Not shown to everyone.").wait_for()
    for page in (dad, gran):
        page.reload()
        page.wait_for_selector("[data-live-status][data-state=live]")
        assert page.locator("#feedback-feed .fb", has_text="mix that red").count() == 0

    # the coach writes notes and an action: autosaved
    coach.fill("#notes", "Confident today; explained the mixing well.")
    coach.locator("[data-save-status]", has_text="Saved").first.wait_for()
    coach.fill("#action-new", "Paint one picture a week")
    coach.click("text=Add action")
    coach.locator(".action-row textarea[name=text]").first.wait_for()
    assert coach.locator(".action-row textarea[name=text]").first.input_value() == "Paint one picture a week"
    coach.set_viewport_size(LAPTOP)
    screenshot(coach, "feedback-coach-panel")

    # the end: phones go to the closing form, then the thank-you page
    presenter.click("text=End conference")
    presenter.wait_for_url(f"**/conferences/{cid}/ended")
    for page in (mum, dad, gran):
        page.wait_for_url(f"**/live/{code}/closing")
    screenshot(mum, "feedback-closing")
    mum.fill("#stood_out", "How proud she was of the red painting")
    mum.fill("#support", "We will visit the gallery together")
    mum.click("text=Send and finish")
    mum.wait_for_url(f"**/live/{code}/thanks")
    assert "Thank you for coming, Mum" in mum.inner_text("main")

    presenter.click("text=Open the conference record")
    presenter.wait_for_url(f"**/conferences/{cid}/record")
    record = presenter.locator(".record").inner_text()
    for text in ("Mum", "Dad", "Gran", "Ms Okafor", "How did you mix that red?", "Next time try a bigger canvas",
                 "<b>Such</b> a steady hand", "Hidden: only Amara and coaches see this",
                 "Confident today", "Paint one picture a week", "How proud she was of the red painting",
                 "We will visit the gallery together", "On screen for"):
        assert text in record, text
    presenter.fill("#reflection-body", "I was nervous at first but it went well.")
    presenter.locator("#reflection [data-save-status]", has_text="Saved").wait_for()
    screenshot(presenter, "feedback-record")
    presenter.set_viewport_size(PHONE)
    screenshot(presenter, "feedback-record")
    presenter.emulate_media(media="print")
    screenshot(presenter, "feedback-record-print")
    assert not presenter.locator(".topbar").is_visible()
    presenter.emulate_media(media="screen")

    # the record is in the portfolio timeline; the picture's page has its feedback with who and when
    presenter.goto("/portfolio/")
    presenter.locator(".record-card a").first.click()
    presenter.wait_for_url(f"**/conferences/{cid}/record")
    presenter.goto(f"/portfolio/items/{school.slides[1].item_id}")
    item_feedback = presenter.locator(".item__feedback").inner_text()
    assert "How did you mix that red?" in item_feedback and "Gran" in item_feedback
    screenshot(presenter, "feedback-item-feedback")
