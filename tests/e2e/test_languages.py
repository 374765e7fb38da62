"""A real browser in the family's language: a phone whose browser asks for Arabic joins, reads the follower
page right to left, sends feedback, switches to Polish mid-conference and stays on the current slide; the
presenter sees "Arabic", then "Polish", next to the name. Screenshots of the join, follower, feedback and
closing pages in Arabic, Polish and Chinese (docs/screenshots/languages-*)."""
from tests.e2e.conftest import PHONE, Guard, _screenshot


def phone(browser, live_server, locale):
    context = browser.new_context(base_url=live_server.url, locale=locale, **PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.guard = Guard(live_server.url)
    page.guard.attach(context, page)
    return context, page


def html(page):
    return page.evaluate("[document.documentElement.lang, document.documentElement.dir]")


def join(page, code, name, shot):
    page.goto(f"/j/{code}")
    _screenshot(page, f"languages-join-{shot}")
    page.fill("#name", name)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/live/{code}")
    page.wait_for_selector("[data-live-status][data-state=live]")


def send(page, kind, text, shot):
    page.locator("#feedback-form .chip").nth(kind).click()
    page.fill("#feedback-body", text)
    page.click("#feedback-form button[type=submit]")
    page.wait_for_selector("#feedback-form [data-send-status]:not(:empty)")
    page.locator("#feedback-feed .fb", has_text=text).wait_for()
    page.locator(".phone-feedback").screenshot(path=str(_screenshot.__globals__["SCREENSHOTS"]
                                                        / f"languages-feedback-{shot}-390.png"))


def test_arabic_phone_switches_to_polish_and_stays_on_its_slide(app, make, browser, live_server, open_page,
                                                               sign_in, screenshot):
    school = make.school()
    code, cid = school.conference.code, school.conference.id
    presenter = open_page("laptop")
    presenter.on("dialog", lambda d: d.accept())
    sign_in(presenter, school.student)
    presenter.goto(f"/conferences/{cid}/present")
    presenter.wait_for_selector("[data-live-status][data-state=live]")

    opened = [phone(browser, live_server, locale) for locale in ("ar", "zh-CN", "ar", "pl-PL")]
    (_c1, gran), (_c2, uncle), (_c3, aunt), (_c4, cousin) = opened
    try:
        gran.goto(f"/j/{code}")
        assert html(gran) == ["ar", "rtl"]
        assert gran.locator("#language-menu").input_value() == "ar"  # preselected from Accept-Language
        assert gran.locator("#language-menu option[value=pl]").inner_text() == "Polski"  # each in its own name
        join(gran, code, "Gran", "ar")
        assert html(gran) == ["ar", "rtl"]
        assert "مؤتمر" in gran.locator(".follow-bar__title").inner_text()
        presenter.locator("#participants .participant", has_text="Gran").locator(
            ".participant__language", has_text="Arabic").wait_for()

        presenter.click("[data-goto=next]")
        gran.wait_for_selector("#slide .follow-slide[data-position='1']")
        assert gran.locator("#slide .slide").get_attribute("aria-label").startswith("2 من 5")  # pushed in Arabic
        _screenshot(gran, "languages-follower-ar")
        send(gran, 0, "كيف رسمت هذا؟", "ar")
        assert gran.locator("#feedback-form [data-send-status]").inner_text() == "أُرسِلت. شكرًا لك!"
        item = presenter.locator("#feedback-feed .fb", has_text="كيف رسمت هذا؟")
        item.locator(".fb__language", has_text="Arabic").wait_for()  # the language it was written in

        gran.select_option("#language-menu", "pl")  # mid-conference: the page comes back in Polish
        gran.wait_for_selector("html[lang=pl]", state="attached")  # (a string predicate would need eval: CSP)
        gran.wait_for_selector("[data-live-status][data-state=live]")
        assert html(gran) == ["pl", "ltr"]
        assert gran.locator("#slide .follow-slide").get_attribute("data-position") == "1"  # still on its slide
        assert gran.url.endswith(f"/live/{code}")
        assert gran.locator("#feedback-feed .fb", has_text="كيف رسمت هذا؟").count() == 1  # its feedback kept
        presenter.locator("#participants .participant", has_text="Gran").locator(
            ".participant__language", has_text="Polish").wait_for()
        presenter.click("[data-goto=next]")
        gran.wait_for_selector("#slide .follow-slide[data-position='2']")
        assert gran.locator("#slide .slide").get_attribute("aria-label").startswith("3 z 5")  # pushed in Polish
        _screenshot(gran, "languages-follower-pl")
        send(gran, 3, "Następnym razem większe zdjęcie", "pl")

        join(uncle, code, "叔叔", "zh")
        assert html(uncle) == ["zh-Hans", "ltr"]
        _screenshot(uncle, "languages-follower-zh")
        send(uncle, 2, "颜色很漂亮", "zh")
        join(aunt, code, "Khala", "ar-second")
        cousin.goto(f"/j/{code}")
        assert html(cousin) == ["pl", "ltr"]
        _screenshot(cousin, "languages-join-pl")

        presenter.click("text=End conference")
        for page, shot in ((gran, "pl"), (uncle, "zh"), (aunt, "ar")):
            page.wait_for_url(f"**/live/{code}/closing")
            _screenshot(page, f"languages-closing-{shot}")
        assert "Zanim wyjdziesz" in gran.locator("h1").inner_text()
        assert html(aunt) == ["ar", "rtl"]
    finally:
        for context, page in opened:
            context.close()
            page.guard.check()
