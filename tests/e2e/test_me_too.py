"""A real browser: "Me too" on another phone's question, once per phone; the presenter and the coach see the
count, "Most asked first" puts it first (in the browser), and the record keeps it."""
from types import SimpleNamespace

from playwright.sync_api import expect

from conference_app import db
from conference_app.live import conferences
from conference_app.models import Conference
from tests.e2e.test_feedback_flow import join, send


def _item(page, text):
    return page.locator("#feedback-feed .fb", has_text=text)


def test_me_too_once_per_phone_counted_sorted_and_recorded(app, make, open_page, sign_in, screenshot):
    school = make.school()
    code, cid = school.conference.code, school.conference.id
    presenter = open_page("laptop")
    sign_in(presenter, school.student)
    presenter.goto(f"/conferences/{cid}/present")
    presenter.wait_for_selector("[data-live-status][data-state=live]")
    coach = open_page("phone")
    sign_in(coach, SimpleNamespace(username="coach"))
    coach.goto(f"/conferences/{cid}/coach")

    mum, dad, gran = open_page("phone"), open_page("phone"), open_page("phone")
    join(mum, code, "Mum")
    send(mum, "Question", "FIRST-QUESTION how long did it take?")
    send(mum, "Question", "SECOND-QUESTION what was hardest?")
    assert _item(mum, "FIRST-QUESTION").locator("[data-me-too-button]").is_hidden()  # not on your own

    join(dad, code, "Dad")
    button = _item(dad, "FIRST-QUESTION").locator("[data-me-too-button]")
    button.click()
    _item(dad, "FIRST-QUESTION").locator("text=1 more asks this too").wait_for()
    expect(_item(dad, "FIRST-QUESTION").locator("[data-me-too-button]")).to_be_disabled()
    # once per phone: after a reload the button stays down, and a second tap forced through counts nothing
    dad.reload()
    dad.wait_for_selector("[data-live-status][data-state=live]")
    again = _item(dad, "FIRST-QUESTION").locator("[data-me-too-button]")
    expect(again).to_be_disabled()
    again.evaluate("b => { b.disabled = false; }")
    with dad.expect_response(lambda r: "/me-too" in r.url) as answer:
        again.click()
    assert answer.value.status == 200

    join(gran, code, "Gran")
    _item(gran, "FIRST-QUESTION").locator("[data-me-too-button]").click()
    for page in (presenter, coach):  # the moderators see the count
        _item(page, "FIRST-QUESTION").locator("text=2 more ask this too").wait_for()
    assert _item(presenter, "SECOND-QUESTION").locator(".badge", has_text="ask").count() == 0

    # newest first, until the presenter asks for the most asked first
    feed = presenter.locator("#feedback-feed > .fb")
    assert "SECOND-QUESTION" in feed.first.inner_text()
    presenter.click("[data-sort-me-too]")
    presenter.wait_for_function(
        "() => document.querySelector('#feedback-feed > .fb').textContent.includes('FIRST-QUESTION')")
    assert presenter.locator("[data-sort-me-too]").get_attribute("aria-pressed") == "true"
    screenshot(presenter, "me-too-presenter", full_page=False)
    screenshot(dad, "me-too-phone", full_page=False)

    with app.app_context():
        s = db.session()
        conferences.end(s, s.get(Conference, cid))
    presenter.goto(f"/conferences/{cid}/record")
    presenter.locator(".fb", has_text="FIRST-QUESTION").locator("text=2 more asked this too").wait_for()
