"""The e-Portfolio day in a real browser: the admin sets up a day and schedules 12 students across 2 coaches and 2
spaces (one sibling pair), prints the invitations (one A4 page per family), a family answers through the URL
decoded from the printed QR code, and on the day the same QR code takes the phone into the live conference.
Screenshots at 390 and 1366 wide: test-output/screenshots/eday-NN-<step>-<width>.png."""
import io
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

import pypdfium2
import zxingcpp
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from sqlmodel import select

from conference_app import db
from conference_app.days import service
from conference_app.models import PortfolioDay, Slot, TutorGroup, User
from tests.e2e.conftest import LAPTOP, PHONE, SCREENSHOTS

SIZES = (PHONE["viewport"], LAPTOP["viewport"])
axe = Axe()


def _shots(screenshot, problems, prefix="eday"):
    """Each step at both widths, and axe-core's serious or critical findings on it."""
    n = [0]

    def shot(page, name):
        n[0] += 1
        own = page.viewport_size
        for size in SIZES:
            page.set_viewport_size(size)
            screenshot(page, f"{prefix}-{n[0]:02d}-{name}")
        page.set_viewport_size(own)
        found = [f"{v['impact']} {v['id']}: {[x['target'] for x in v['nodes']][:3]}"
                 for v in axe.run(page).response["violations"] if v["impact"] in ("serious", "critical")]
        if found:
            problems[name] = found
    return shot


def _school(app, make):
    """Two coaches with six students each in group 8B; Amara and her brother Kofi are one family."""
    admin = make.admin("office")
    coaches = [make.coach("okafor"), make.coach("lindqvist")]
    names = ["Amara Mensah", "Kofi Mensah", "Leo Fischer", "Sofía Herrera", "Kai Tanaka", "Noor Hassan",
             "Ewa Nowak", "Tomás Silva", "Ana Pop", "Hodan Ali", "Oksana Koval", "Bilal Khan"]
    students = [make.student(name.split()[0].lower().replace("í", "i").replace("á", "a"),
                             coaches=[coaches[i % 2]]) for i, name in enumerate(names)]
    with app.app_context():
        s = db.session()
        group = TutorGroup(name="8B")
        s.add(group)
        s.flush()
        for student, name in zip(students, names, strict=True):
            user = s.get(User, student.id)
            user.display_name, user.tutor_group_id = name, group.id
            key = "mensah" if name.endswith("Mensah") else name.split()[1].lower()
            service.put_family(s, user, key, language={"nowak": "pl", "hassan": "ar"}.get(key, "en"))
        s.commit()
    return admin, coaches, students


def test_the_whole_eportfolio_day(app, make, open_page, sign_in, screenshot, live_server):
    problems = {}
    shot = _shots(screenshot, problems)
    admin, coaches, students = _school(app, make)
    amara, kofi = students[0], students[1]
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)

    # 1. The admin sets up the day: date, hours, slots, two rooms, the group
    desk = open_page("laptop")
    sign_in(desk, admin)
    desk.goto("/days/")
    desk.get_by_role("link", name="New e-Portfolio day").click()
    desk.fill("#name", "Spring e-Portfolio day")
    desk.fill("#held_on", tomorrow.isoformat())
    desk.fill("#starts", "09:00")
    desk.fill("#ends", "12:00")
    desk.fill("#slot_minutes", "20")
    desk.fill("#changeover_minutes", "5")
    desk.get_by_label("8B").check()
    desk.fill("#spaces", "Room 4: 1\nLibrary: 1")
    shot(desk, "setup")
    desk.get_by_role("button", name="Save the day").click()
    desk.wait_for_url(re.compile(r"/days/\d+$"))
    day_id = int(desk.url.rsplit("/", 1)[1])

    # 2. Auto-schedule: everyone placed, the siblings back to back, no conflict
    desk.get_by_role("button", name="Schedule everyone").click()
    desk.get_by_text("Every student is placed (12).").wait_for()
    assert desk.locator(".schedule__table tbody tr").count() == 12
    assert desk.locator(".problems").count() == 0
    with app.app_context():
        s = db.session()
        day = s.get(PortfolioDay, day_id)
        assert service.conflicts(s, day) == []
        slots = {sl.student_id: sl for sl in service.slots_of(s, day)}
        times = service.plain_day(s, day).times
    assert abs(times.index(slots[amara.id].starts_min) - times.index(slots[kofi.id].starts_min)) == 1
    shot(desk, "schedule")
    # a move by hand (htmx: the schedule replaces itself): Bilal to the free 11:30 in the Library
    row = desk.locator(".schedule__table tbody tr", has_text="Bilal Khan")
    row.locator("select[name=starts]").select_option(label="11:30")
    row.locator("select[name=space]").select_option(label="Library")
    row.get_by_role("button", name="Move").click()
    desk.locator("#schedule .flash", has_text="Moved.").wait_for()
    assert "11:30" in desk.locator(".schedule__table tbody tr", has_text="Bilal Khan").inner_text()

    # 3. Amara writes a few words for her family's invitation
    student = open_page("laptop")
    sign_in(student, amara)
    student.goto("/days/")
    student.get_by_role("link", name="My slot and invitation").click()
    student.fill("#message", "Come and see how my bridge model grew!")
    shot(student, "student-slot")
    student.get_by_role("button", name="Save").click()
    student.get_by_text("your family’s invitation shows your message").wait_for()

    # 4. The invitations for 8B, printed: one A4 page per family (11 families: Amara and Kofi share one)
    desk.get_by_role("link", name="Print for 8B").click()
    desk.wait_for_url(re.compile(r"/print\?group=\d+$"))
    assert desk.locator("article.letter").count() == 11
    pdf = pypdfium2.PdfDocument(desk.pdf(format="A4", print_background=True))
    assert len(pdf) == 11
    page_one = pdf[0].get_size()
    assert abs(page_one[0] - 595) < 2 and abs(page_one[1] - 842) < 2  # A4 in points
    pdf.close()
    letter = desk.locator("article.letter", has_text="Amara Mensah")
    assert "Kofi Mensah" in letter.inner_text() and "how my bridge model grew" in letter.inner_text()
    shot(desk, "print")
    desk.emulate_media(media="print")
    desk.set_viewport_size({"width": 794, "height": 1123})  # an A4 page at 96 dpi
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    letter.screenshot(path=str(SCREENSHOTS / "eday-04-printed-letter-a4.png"))
    arabic = desk.locator('article.letter[lang="ar"]')
    assert arabic.get_attribute("dir") == "rtl" and "دعوة" in arabic.inner_text()
    arabic.screenshot(path=str(SCREENSHOTS / "eday-04-printed-letter-a4-ar.png"))
    qr = letter.locator(".letter__qr svg")
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
    assert len(decoded) == 1, "the printed QR code did not decode"
    scanned = urlparse(decoded[0].text)
    assert scanned.path.startswith("/i/")
    desk.emulate_media(media="screen")
    desk.set_viewport_size(LAPTOP["viewport"])

    # 5. The family answers through that URL, no account
    family = open_page("phone")
    family.goto(scanned.path)
    family.get_by_text("Amara’s conference starts at").wait_for()
    family.get_by_label("Yes, we are coming").check()
    family.fill("#count", "2")
    family.get_by_label("Parent", exact=True).check()
    family.get_by_label("Grandparent").check()
    family.fill("#note", "Grandma would like a seat near the front.")
    shot(family, "answer")
    family.get_by_role("button", name="Send our answer").click()
    family.get_by_text("the school has your answer").first.wait_for()

    # 6. The coach sees the answer in the day view
    coach = open_page("phone")
    sign_in(coach, coaches[0])
    coach.goto(f"/days/{day_id}/coach")
    item = coach.locator(".day-view__item", has_text="Amara Mensah")
    item.get_by_text("Coming").wait_for()
    assert "Grandparent" in item.inner_text() and "Grandma would like a seat" in item.inner_text()
    assert coach.locator(".day-view__item").count() == 6  # only Ms Okafor's students

    # 7. On the day: the same QR code says when, then leads into the conference once Amara opens the lobby
    with app.app_context():
        s = db.session()
        s.get(PortfolioDay, day_id).held_on = datetime.now(UTC).date()
        s.commit()
        amara_at = service.hhmm(s.exec(select(Slot).where(Slot.student_id == amara.id)).one().starts_min)
    family.goto(scanned.path)
    family.get_by_text(f"Amara’s conference starts at {amara_at}").wait_for()
    family.get_by_text("Today is the day").wait_for()
    shot(family, "waiting")
    conference = make.conference(amara, slides=3, live=False, title="Amara")  # Amara opens her lobby
    family.goto(scanned.path)
    family.wait_for_url(f"**/j/{conference.code}")
    family.fill("#name", "Mum")
    family.get_by_role("button", name="Join").click()
    family.wait_for_url(f"**/live/{conference.code}")
    coach.reload()
    coach.locator(".day-view__item", has_text="Amara Mensah").get_by_text("Arrived").wait_for()
    student.goto(f"/conferences/{conference.id}")
    student.get_by_role("button", name="Start presenting").click()
    student.wait_for_url(re.compile(r"/present$"))
    family.locator("#slide .slide", has_text="Amara0").wait_for()
    coach.reload()
    coach.locator(".day-view__item", has_text="Amara Mensah").get_by_text("Live").wait_for()
    shot(coach, "coach-day")
    with app.app_context():
        assert db.session().exec(select(Slot).where(Slot.student_id == amara.id)).one().conference_id == conference.id
    assert problems == {}, problems


def test_the_other_day_pages_booking_list_and_family(app, make, open_page, sign_in, screenshot, live_server):
    """The pages the walk above does not open: a booking day's invitation (the family chooses its time), the
    list of days and a family's page; looked at and scanned like the others."""
    problems = {}
    shot = _shots(screenshot, problems, "eday-more")
    admin, _coaches, students = _school(app, make)
    with app.app_context():
        s = db.session()
        group = s.exec(select(TutorGroup).where(TutorGroup.name == "8B")).one()
        day = PortfolioDay(name="Autumn e-Portfolio day", held_on=datetime.now(UTC).date() + timedelta(days=5),
                           starts_min=13 * 60, ends_min=15 * 60, group_ids=str(group.id), booking=True)
        s.add(day)
        s.flush()
        from conference_app.models import DaySpace
        s.add(DaySpace(day_id=day.id, name="Hall", capacity=3))
        s.commit()
        service.open_booking(s, day)
        family_id, day_id = service.invitation_of_student(s, day, students[0].id).family_id, day.id
    desk = open_page("laptop")
    sign_in(desk, admin)
    desk.goto(f"/days/{day_id}/print")  # the link as the server signs it
    path = urlparse(desk.locator("article.letter", has_text="Amara").locator(".letter__url").inner_text()).path
    family = open_page("phone")
    family.goto(path)
    family.get_by_text("Choose your time").first.wait_for()
    family.locator("#book input[type=radio]").first.check()
    shot(family, "booking")
    family.get_by_role("button", name="Book this time").click()
    family.get_by_text("Your time is booked").wait_for()
    with app.app_context():
        slots = service.slots_of(db.session(), db.session().get(PortfolioDay, day_id))
        placed = sorted(sl.starts_min for sl in slots if sl.starts_min is not None)
    assert placed == [13 * 60, 13 * 60 + 25]  # Amara and Kofi, back to back
    desk.goto("/days/")
    shot(desk, "list")
    desk.goto(f"/families/{family_id}")
    shot(desk, "family")
    assert problems == {}, problems
