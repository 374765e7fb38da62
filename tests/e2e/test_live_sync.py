"""Issue 4 in a real browser: one presenter, three phones in sync through slide changes, one joining late."""
import re

import pytest



@pytest.fixture
def school(lobby_school):
    return lobby_school


def join(page, code, name, role="Family"):
    page.goto(f"/j/{code}")
    page.fill("#name", name)
    page.get_by_label(role).check()
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/live/"))


def showing(page, text):
    page.locator("#slide .slide").filter(has_text=text).wait_for(timeout=5000)


def test_presenter_and_three_phones_stay_in_sync(school, open_page, sign_in, screenshot):
    laptop = open_page("laptop")
    sign_in(laptop, school.student)
    laptop.goto(f"/presentations/{school.presentation.id}")
    laptop.get_by_role("button", name="Start conference").click()
    laptop.wait_for_url(re.compile(r"/conferences/\d+$"))
    code = laptop.locator(".join-card__code").inner_text().replace(" ", "")
    phones = [open_page("phone"), open_page("phone")]
    join(phones[0], code, "Grandma Rose")
    join(phones[1], code, "Mr Patel", "Governor")
    for phone in phones:
        phone.get_by_text("will start soon").wait_for()
    laptop.locator("#participants .participant__name", has_text="Mr Patel").wait_for()
    screenshot(laptop, "live-lobby")
    laptop.get_by_role("button", name="Start presenting").click()
    laptop.wait_for_url(re.compile(r"/present$"))
    for phone in phones:
        showing(phone, "SLIDE-ZERO")
    titles = ["First picture", "SECTION-TWO", "LATER-WORK", "Questions for you"]
    laptop.keyboard.press("ArrowRight")  # keyboard
    for phone in phones:
        showing(phone, titles[0])
    late = open_page("phone")  # a phone that joins late lands on the current slide
    join(late, code, "Uncle Sam", "Guest")
    showing(late, titles[0])
    # the join form is answered with the follower page itself; a reload asks for /live/<code>, not the form
    reloaded = late.reload()
    assert reloaded.request.method == "GET" and reloaded.url.endswith(f"/live/{code}")
    showing(late, titles[0])
    # the presenter's list marks a phone that leaves, and lights it again when it is back (presence pushes)
    sam = laptop.locator("#participants .participant", has_text="Uncle Sam")
    sam.locator(".participant__dot.is-online").wait_for()
    context = late.context
    late.close()
    sam.locator(".participant__dot:not(.is-online)").wait_for()
    assert sam.locator(".participant__presence").inner_text() == "not connected"
    late = context.new_page()  # the same phone opens the conference again
    late.goto(f"/live/{code}")
    showing(late, titles[0])
    sam.locator(".participant__dot.is-online").wait_for()
    assert sam.locator(".participant__presence").inner_text() == "connected"
    phones.append(late)
    laptop.get_by_role("button", name="Next →").click()  # button
    laptop.keyboard.press("PageDown")  # a clicker
    laptop.keyboard.press("Space")
    for phone in phones:
        showing(phone, titles[3])
        assert phone.locator("#slide").inner_text().count("Questions for you") >= 1
    laptop.keyboard.press("Home")
    for phone in phones:
        showing(phone, "SLIDE-ZERO")
    laptop.keyboard.press("End")
    for phone in phones:
        showing(phone, titles[3])
        assert phone.locator("[data-count]").inner_text() == "5 / 5"
    assert "SECRET-TALK" not in "".join(p.content() for p in phones)
    screenshot(laptop, "live-presenter")
    screenshot(phones[0], "live-phone", full_page=False)
    # a phone looks back at an earlier slide and returns to live with one tap
    phones[0].get_by_role("button", name="Earlier", exact=True).click()
    showing(phones[0], "LATER-WORK")
    phones[0].get_by_role("button", name="Back to live").click()
    showing(phones[0], titles[3])
    # the end: the family phone gets the short closing form, the others the thank-you page
    laptop.once("dialog", lambda d: d.accept())
    laptop.get_by_role("button", name="End conference").click()
    phones[0].get_by_text("Before you go, Grandma Rose").wait_for()
    for phone in phones[1:]:
        phone.get_by_text("Thank you for coming").wait_for()
    screenshot(phones[2], "live-thanks", full_page=False)
