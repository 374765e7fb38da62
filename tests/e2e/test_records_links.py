"""Real browser: the export opens from disk with no request leaving it; the family's copy, the delete dialog and
the purge preview at phone and laptop size (screenshots)."""
import zipfile


import pytest
from sqlmodel import select

from conference_app import db
from conference_app.lifecycle import export
from conference_app.links import service as links
from conference_app.live import conferences
from conference_app.models import Conference, LinkKind, Participant, User
from conference_app.records import fixed


@pytest.fixture
def ended(app, make, people):
    """The school's conference, with Mum, shown and ended, its record fixed; Mum's copy; Mum's feedback."""
    from conference_app.feedback import service as feedback

    school = make.school(people)
    with app.app_context():
        s = db.session()
        c = s.get(Conference, school.conference.id)
        mum = conferences.join(s, c, "Mum", "family")
        conferences.goto(s, c.id, 1)
        feedback.send(s, c, mum, kind="praise", body="The colours are lovely!", position=1,
                      client_key="mum-00000001")
        feedback.add_action(s, c, people.coach.id, "Read together three evenings a week", "family", None)
        conferences.goto(s, c.id, 3)
        conferences.end(s, c)
        fixed.fix(s, c)
        _link, token = links.make(s, LinkKind.FAMILY, people.owner.id, 30, conference_id=c.id,
                                  participant_id=mum.id, label="Mum")
    return school, token


def test_the_export_opens_offline_from_disk(app, ended, browser, tmp_path):
    school, _token = ended
    with app.app_context():
        s = db.session()
        zipped = export.student_zip(s, s.get(User, school.student.id))
    with zipfile.ZipFile(zipped) as z:
        z.extractall(tmp_path)
    zipped.unlink()
    index = tmp_path / "amara" / "index.html"
    context = browser.new_context(viewport={"width": 390, "height": 844})
    requests, problems = [], []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(f"{r.url} {r.failure}"))
    try:
        page.goto(index.as_uri())
        assert page.locator("h1").inner_text() == "Amara’s portfolio"
        assert page.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"  # style.css loaded
        page.get_by_role("link", name="First picture").click()
        page.wait_for_load_state("load")
        assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
        assert page.locator("img").count() == 1
        page.goto(index.as_uri())
        page.locator("a[href^='records/']").first.click()
        page.wait_for_load_state("load")
        assert "Amara · Spring conference" in page.inner_text("body")
        assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    finally:
        context.close()
    assert requests and all(u.startswith(("file://", "data:")) for u in requests), requests
    assert not problems, problems


@pytest.mark.parametrize("kind", ["phone", "laptop"])
def test_screenshots_of_the_family_copy_delete_dialog_and_purge_preview(app, ended, open_page, sign_in,
                                                                        screenshot, kind):
    school, token = ended
    page = open_page(kind)
    page.goto(f"/copy/{token}")
    assert page.locator("h1").inner_text().startswith("Amara")
    assert page.get_by_text("Read together three evenings a week").is_visible()
    assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "family-copy")

    owner = open_page(kind)
    sign_in(owner, school.student)
    owner.goto(f"/portfolio/items/{school.slides[1].item_id}/delete")
    assert "It is used in 1 presentation and 1 conference record." in owner.inner_text("body")
    assert owner.locator(".preview").bounding_box()["width"] <= 130
    assert owner.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(owner, "delete-work")

    admin = open_page(kind)
    sign_in(admin, school.people.admin)
    admin.goto("/admin/leavers?group=all")
    admin.get_by_label("Amara").check()
    admin.get_by_role("button", name="Show what will be deleted").click()
    admin.get_by_text("Delete everything of 1 student?").wait_for()
    assert admin.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(admin, "purge-preview")
    with app.app_context():
        assert db.session().exec(select(Participant)).first() is not None  # the preview deleted nothing


