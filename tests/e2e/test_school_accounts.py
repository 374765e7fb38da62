"""Issue 10 in a real browser: the admin imports the example file (preview, then confirm), resets a
password; the person signs in with it and must choose their own. Screenshots at phone and laptop size."""
import re

import pytest

from conference_app import ROOT


@pytest.mark.parametrize("kind", ["laptop", "phone"])
def test_import_reset_and_forced_change(app, make, open_page, sign_in, screenshot, kind):
    admin_user = make.admin("office.e2e")
    page = open_page(kind)
    page.guard.allow("status of 422")  # the preview of a file with bad rows answers 422 on purpose
    sign_in(page, admin_user)
    page.get_by_role("link", name="Import from a CSV file").click()
    bad = ROOT / "test-output" / "bad-people.csv"
    bad.parent.mkdir(exist_ok=True)
    bad.write_text("name,username,role,group,coach\nAmy Pond,amy,student,9A,nobody\n,rory,wizard,,\n")
    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="Preview").click()
    page.get_by_text("2 rows to fix").wait_for()
    screenshot(page, "import-errors")
    page.set_input_files("input[type=file]", str(ROOT / "docs" / "accounts-example.csv"))
    page.get_by_role("button", name="Preview").click()
    page.get_by_text("Preview of accounts-example.csv").wait_for()
    screenshot(page, "import-preview")
    page.get_by_role("button", name="Import 7 accounts").click()
    page.get_by_text("Imported: 7 new accounts").wait_for()
    screenshot(page, "import-done")
    page.goto("/admin/users")
    page.get_by_text("no password yet").first.wait_for()
    screenshot(page, "people-imported")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="New password for Kai Nakamura").click()
    page.wait_for_url(re.compile(r"/reset$"))
    password = page.locator("[data-one-time-password]").inner_text()
    screenshot(page, "reset-done")
    page.get_by_role("button", name="Sign out").click()

    page.goto("/login")
    page.fill("input[name=username]", "kai.nakamura")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/account/password")
    page.get_by_text("Choose your own password").wait_for()
    screenshot(page, "password-forced")
    page.get_by_label("Current password").fill(password)
    page.get_by_label("New password", exact=True).fill("kai's own words")
    page.get_by_label("New password again").fill("kai's own words")
    page.get_by_role("button", name="Save my new password").click()
    page.get_by_text("Your new password is saved.").wait_for()
    assert "/portfolio" in page.url


@pytest.mark.parametrize("kind", ["laptop", "phone"])
def test_one_time_link_page(app, make, open_page, screenshot, kind):
    from sqlmodel import select

    from conference_app import db
    from conference_app.accounts import service
    from conference_app.models import User

    student = make.student("new.pupil")
    with app.app_context():
        s = db.session()
        [(_, token)] = service.issue_links(s, [s.exec(select(User).where(User.id == student.id)).one()])
    page = open_page(kind)
    page.goto(f"/account/welcome/{token}")
    page.get_by_text("Welcome, New.Pupil").wait_for()
    screenshot(page, "welcome-link")
    page.get_by_label("New password", exact=True).fill("my first pw!")
    page.get_by_label("New password again").fill("my first pw!")
    page.get_by_role("button", name="Save my password").click()
    page.get_by_text("Your password is saved. Sign in as new.pupil.").wait_for()
