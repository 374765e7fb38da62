"""A whole e-Portfolio day in real browsers (issue 6): an admin makes a student and a coach and links them;
the student uploads a photo (with a progress bar) and a PDF, builds a presentation from the template, fixes
what the readiness check flags and starts the conference; a family phone joins through the URL decoded from
the lobby's QR image, a governor phone by typing the code, the coach on a signed-in phone; the slides stay in
sync; a question and praise are sent; the coach writes notes and an action; the student ends it; the record is
in the portfolio and the action is among the student's goals.

Every step is screenshotted at 390x844 and 1366x768 (test-output/screenshots/day-NN-<step>-<width>.png); every
page comes from `open_page`, whose guard fails the test on any uncaught JavaScript error or failed request."""
import io
import re
from types import SimpleNamespace
from urllib.parse import urlparse

import zxingcpp
from PIL import Image

from tests.e2e.conftest import LAPTOP, PHONE

SECRET = "Sunflower-meadow-42"  # the first password the admin gives both accounts
SIZES = (PHONE["viewport"], LAPTOP["viewport"])


def photo_jpeg() -> bytes:
    """A few hundred KB, so that the upload's progress bar has something to show."""
    img = Image.effect_noise((1600, 1200), 70).convert("RGB")
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=92)
    return buf.getvalue()


def two_page_pdf() -> bytes:
    pages = [Image.new("RGB", (850, 1100), c) for c in ("white", "lightyellow")]
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:])
    return buf.getvalue()


class Steps:
    """Numbered screenshots of each step, at phone and laptop width, whatever the page's own size."""

    def __init__(self, screenshot):
        self.screenshot, self.n = screenshot, 0

    def __call__(self, page, name):
        self.n += 1
        own = page.viewport_size
        for size in SIZES:
            page.set_viewport_size(size)
            self.screenshot(page, f"day-{self.n:02d}-{name}")
        page.set_viewport_size(own)


def send(page, kind_label, text):
    page.locator("#feedback-form .chip", has_text=kind_label).click()
    page.fill("#feedback-body", text)
    page.click("#feedback-form button[type=submit]")
    page.locator("#feedback-form [data-send-status]", has_text="Sent").wait_for()
    page.locator("#feedback-feed .fb", has_text=text).wait_for()


def count(page) -> str:
    return page.locator("[data-count]").inner_text()


def test_a_whole_portfolio_day(make, open_page, sign_in, screenshot, live_server):
    shot = Steps(screenshot)
    admin = make.admin("head")

    # 1. The admin creates the student and the coach, and makes the coach the student's coach
    desk = open_page("laptop")
    sign_in(desk, admin)
    desk.goto("/admin/users")
    for name, username, role in (("Amara Diallo", "amara", "student"), ("Ms Okafor", "okafor", "coach")):
        desk.fill("#display_name", name)
        desk.fill("#username", username)
        desk.select_option("#role", role)
        desk.fill("#password", SECRET)
        desk.get_by_role("button", name="Create account").click()
        desk.locator(".person", has_text=name).wait_for()
    shot(desk, "admin-people")
    desk.get_by_role("link", name="Coaches for Amara Diallo").click()
    desk.get_by_label("Ms Okafor").check()
    shot(desk, "admin-coaches")
    desk.get_by_role("button", name="Save").click()
    desk.locator(".person", has_text="Amara Diallo").get_by_text("coaches: Ms Okafor").wait_for()
    student, coach = SimpleNamespace(username="amara"), SimpleNamespace(username="okafor")

    # 2. The student uploads a photo and a PDF: one progress bar each (the upload is throttled to be seen)
    laptop = open_page("laptop")
    sign_in(laptop, student, SECRET)
    laptop.goto("/portfolio/")
    cdp = laptop.context.new_cdp_session(laptop)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 20, "downloadThroughput": -1,
                                                  "uploadThroughput": 400 * 1024})
    laptop.set_input_files("#upload-files", [
        {"name": "sunflowers.jpg", "mimeType": "image/jpeg", "buffer": photo_jpeg()},
        {"name": "science-report.pdf", "mimeType": "application/pdf", "buffer": two_page_pdf()}])
    laptop.locator(".upload-list progress").first.wait_for()
    shot(laptop, "upload-progress")
    laptop.locator(".upload--done").nth(1).wait_for(timeout=30_000)
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                  "uploadThroughput": -1})
    assert laptop.locator(".upload--failed").count() == 0
    assert laptop.get_by_role("link", name="Add a title and reflection").count() == 2
    assert laptop.locator("#items .item-card").count() == 2
    shot(laptop, "uploaded")

    # 3. A presentation from the agenda template, with both pieces of work
    laptop.goto("/presentations/new")
    laptop.fill("#title", "My spring term")
    laptop.get_by_role("button", name="Create").click()
    laptop.wait_for_url(re.compile(r"/presentations/\d+$"))
    pres_url = urlparse(laptop.url).path
    template_slides = laptop.locator("#slides .slide-row").count()
    assert template_slides >= 5
    laptop.get_by_text("Choose work to add").click()
    for n in (1, 2):
        laptop.locator(".picker__items .pick button").nth(n - 1).click()
        laptop.wait_for_function(
            f"() => document.querySelectorAll('#slides .slide-row').length === {template_slides + n}")
    shot(laptop, "editor")

    # 4. The readiness check flags the work (only for the coach; no description); the student fixes each
    laptop.goto(pres_url + "/readiness")
    assert laptop.locator(".problem").count() >= 3
    shot(laptop, "readiness-problems")
    for _ in range(6):
        fixes = laptop.locator(".problem__fix")
        if fixes.count() == 0:
            break
        fixes.first.click()
        laptop.wait_for_url(re.compile(r"/portfolio/items/\d+/edit"))
        if not laptop.locator("#alt_text").input_value().strip():
            laptop.fill("#alt_text", "Sunflowers in a field" if "sunflowers" in laptop.locator("#title").input_value()
                        else "My science report, two pages")
        laptop.select_option("#visibility", "shareable")
        laptop.get_by_role("button", name="Save", exact=True).click()
        laptop.wait_for_url(re.compile(re.escape(pres_url) + "$"))  # Save returns to the presentation
        laptop.goto(pres_url + "/readiness")
    laptop.get_by_text("Ready: every slide can be shown to the audience.").wait_for()
    shot(laptop, "readiness-ready")

    # 5. The conference starts: the lobby's QR code, decoded from its image, takes the family phone in
    laptop.goto(pres_url)
    laptop.get_by_role("button", name="Start conference").click()
    laptop.wait_for_url(re.compile(r"/conferences/\d+$"))
    cid = int(laptop.url.rstrip("/").rsplit("/", 1)[1])
    code = laptop.locator(".join-card__code").inner_text().replace(" ", "")
    qr = laptop.locator("img.join-card__qr")
    qr.scroll_into_view_if_needed()
    laptop.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
    assert len(decoded) == 1, "the QR image did not decode"
    scanned = decoded[0].text
    assert scanned.endswith(f"/j/{code}"), scanned
    shot(laptop, "lobby")

    family = open_page("phone")
    family.goto(urlparse(scanned)._replace(scheme="", netloc="").geturl())  # the path the camera found
    family.fill("#name", "Grandma Rose")
    family.get_by_label("Family").check()
    shot(family, "join-family")
    family.get_by_role("button", name="Join").click()
    family.wait_for_url(f"**/live/{code}")

    governor = open_page("phone")  # types the code read aloud
    governor.goto("/join")
    governor.fill("#code", code)
    governor.get_by_role("button", name="Next").click()
    governor.wait_for_url(f"**/j/{code}")
    governor.fill("#name", "Mr Patel")
    governor.get_by_label("Governor").check()
    governor.get_by_role("button", name="Join").click()
    governor.wait_for_url(f"**/live/{code}")

    coach_phone = open_page("phone")
    sign_in(coach_phone, coach, SECRET)
    coach_phone.goto(f"/j/{code}")
    if not coach_phone.locator("#name").input_value():
        coach_phone.fill("#name", "Ms Okafor")
    coach_phone.get_by_role("button", name="Join").click()
    coach_phone.wait_for_url(f"**/live/{code}")
    coach_phone.get_by_text("Coach panel").click()
    coach_phone.wait_for_url(f"**/conferences/{cid}/coach")
    for phone in (family, governor):
        phone.get_by_text("will start soon").wait_for()
    laptop.locator("#participants .participant__name", has_text="Mr Patel").wait_for()
    shot(family, "phone-waiting")

    # 6. The student presents; every phone follows
    laptop.get_by_role("button", name="Start presenting").click()
    laptop.wait_for_url(re.compile(r"/present$"))
    for phone in (family, governor):
        phone.locator("#slide .slide", has_text="Welcome to my conference").wait_for()
    total = template_slides + 2
    for expected in (2, 3):
        laptop.keyboard.press("ArrowRight")
        for phone in (family, governor):
            phone.locator("[data-count]", has_text=f"{expected} / {total}").wait_for()
    laptop.keyboard.press("End")  # the last slide: the PDF
    for phone in (family, governor):
        phone.locator("[data-count]", has_text=f"{total} / {total}").wait_for()
        phone.locator("#slide .follow-slide img").first.wait_for()
    assert count(family) == count(governor) == f"{total} / {total}"
    shot(laptop, "presenter")
    shot(family, "phone-slide")

    # 7. A question from the family, praise from the governor: live for the presenter and the coach
    send(family, "Question", "Which experiment did you enjoy most?")
    send(governor, "What impressed me", "Such clear handwriting in the report")
    for page in (laptop, coach_phone):
        for text in ("Which experiment did you enjoy most?", "Such clear handwriting"):
            page.locator("#feedback-feed .fb", has_text=text).wait_for()
    shot(governor, "phone-feedback")

    # 8. The coach writes notes and an action
    coach_phone.fill("#notes", "Amara explained her method calmly and answered every question.")
    coach_phone.locator("[data-save-status]", has_text="Saved").first.wait_for()
    coach_phone.fill("#action-new", "Read one chapter book a week")
    coach_phone.get_by_text("Add action").click()
    coach_phone.locator(".action-row textarea[name=text]").first.wait_for()
    shot(coach_phone, "coach-panel")

    # 9. The student ends it; the family phone gets the closing form
    laptop.once("dialog", lambda d: d.accept())
    laptop.get_by_role("button", name="End conference").click()
    laptop.wait_for_url(f"**/conferences/{cid}/ended")
    family.get_by_text("Before you go, Grandma Rose").wait_for()
    governor.get_by_text("Thank you for coming").wait_for()
    shot(family, "phone-closing")
    family.fill("#stood_out", "How she explained the plant experiment")
    family.fill("#support", "Library visits on Saturdays")
    family.get_by_text("Send and finish").click()
    family.wait_for_url(f"**/live/{code}/thanks")
    shot(laptop, "ended")

    # 10. The record, in the portfolio; the action is among the student's goals
    laptop.goto("/portfolio/")
    laptop.locator(".record-card a").first.click()
    laptop.wait_for_url(f"**/conferences/{cid}/record")
    record = laptop.locator(".record").inner_text()
    for text in ("Grandma Rose", "Mr Patel", "Ms Okafor", "Which experiment did you enjoy most?",
                 "Such clear handwriting in the report", "explained her method calmly",
                 "Read one chapter book a week", "How she explained the plant experiment"):
        assert text in record, text
    shot(laptop, "record")
    laptop.goto("/presentations/")
    laptop.locator("#goals .goal__text", has_text="Read one chapter book a week").wait_for()
    shot(laptop, "goals")
