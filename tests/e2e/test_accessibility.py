"""An automated accessibility scan (axe-core) of the pages people use, at phone and laptop size:
no serious or critical violations on any of them, the live conference included."""
import re
from types import SimpleNamespace

import pytest
from axe_playwright_python.sync_playwright import Axe


axe = Axe()


def violations(page) -> list[str]:
    found = axe.run(page).response["violations"]
    return [f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in found if v["impact"] in ("serious", "critical")]


@pytest.fixture
def school(lobby_school):
    return lobby_school


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_pages_have_no_serious_accessibility_violations(school, open_page, sign_in, size):
    problems = {}

    def check(page, name):
        page.wait_for_load_state("networkidle")
        if found := violations(page):
            problems[name] = found

    anonymous = open_page(size)
    for path in ("/", "/login", "/join", f"/j/{school.conference.code}"):
        anonymous.goto(path)
        check(anonymous, path)
    student = sign_in(open_page(size), school.student)
    item = school.slides[1].item_id
    for path in ("/portfolio/", f"/portfolio/items/{item}", f"/portfolio/items/{item}/edit", "/portfolio/new/writing",
                 "/presentations/", f"/presentations/{school.presentation.id}",
                 f"/presentations/{school.presentation.id}/preview", f"/conferences/{school.conference.id}"):
        student.goto(path)
        check(student, path)
    coach = sign_in(open_page(size), school.coach)
    for path in ("/portfolio/students", f"/portfolio/students/{school.student.id}"):
        coach.goto(path)
        check(coach, path)
    admin = sign_in(open_page(size), SimpleNamespace(username="admin"))
    admin.goto("/admin/users")
    check(admin, "/admin/users")
    # the live conference: a phone that joined, the presenter, the coach's panel, the record
    phone = open_page(size)
    phone.goto(f"/j/{school.conference.code}")
    phone.fill("#name", "Grandma Rose")
    phone.get_by_role("button", name="Join").click()
    phone.wait_for_url(re.compile(r"/live/"))
    student.goto(f"/conferences/{school.conference.id}")
    student.get_by_role("button", name="Start presenting").click()
    student.wait_for_url(re.compile(r"/present$"))
    student.keyboard.press("ArrowRight")
    phone.locator("#slide .slide").filter(has_text="First picture").wait_for()
    check(student, "presenter")
    check(phone, "follower")
    coach.goto(f"/conferences/{school.conference.id}/coach")
    check(coach, "coach panel")
    student.once("dialog", lambda d: d.accept())
    student.get_by_role("button", name="End conference").click()
    phone.wait_for_url(re.compile(r"/closing$"))
    check(phone, "closing form")
    student.goto(f"/conferences/{school.conference.id}/record")
    check(student, "record")
    assert not problems, "\n".join(f"{name}: {p}" for name, found in problems.items() for p in found)
