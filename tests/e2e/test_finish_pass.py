"""A real browser at 390 and 1366 px on the pages the finish pass touched: each fix is something that can fail."""
from types import SimpleNamespace

from tests.e2e.test_feedback_flow import join

DUPLICATE_IDS = """() => {
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
  const lost = [...document.querySelectorAll('label[for]')]
    .filter(l => document.querySelectorAll('#' + CSS.escape(l.htmlFor)).length !== 1).map(l => l.htmlFor);
  return twice.concat(lost);
}"""


def test_the_signed_in_pages_at_phone_and_laptop_size(make, open_page, sign_in, screenshot):
    school = make.school()
    cid, pid = school.conference.id, school.presentation.id
    for kind in ("phone", "laptop"):
        page = open_page(kind)
        sign_in(page, school.student)
        page.goto("/portfolio/")
        header = page.locator("header.topbar").bounding_box()["height"]
        if kind == "phone":
            assert header < 80, f"the signed-in header is {header} px high on a phone"
            assert page.locator(".who").bounding_box()["y"] > 0  # on the second row, not off screen
        assert page.locator(".badge--shareable").first.inner_text() == "Can be shown at my conference"
        screenshot(page, "finish-portfolio")

        page.goto(f"/presentations/{pid}")  # the slide edit forms: every id once, every label to one control
        page.locator(".slide-row__details summary").first.click()
        assert page.evaluate(DUPLICATE_IDS) == []
        assert "min planned" in page.locator("#total-time").inner_text()
        screenshot(page, "finish-editor")

        page.goto(f"/conferences/{cid}")  # a running conference's lobby
        assert page.get_by_role("link", name="Continue presenting").is_visible()
        for gone in ("Start presenting", "Cancel conference"):
            assert page.locator(f"text={gone}").count() == 0, gone
        screenshot(page, "finish-lobby-running")

        page.goto(f"/conferences/{cid}/present")
        page.wait_for_selector("[data-live-status][data-state=live]")
        assert page.locator("[data-next-slide]").inner_text().strip() == ""  # slide 2 is a picture: its thumbnail
        assert page.locator("[data-next-slide] img").count() == 1
        assert "min planned" in page.locator(".present__timer").inner_text()
        if kind == "phone":  # Back and Next stay on screen however far down the presenter scrolls
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            nav = page.locator(".present__nav").bounding_box()
            assert nav["y"] >= 0 and nav["y"] + nav["height"] <= 844, nav
        screenshot(page, "finish-present", full_page=False)


def test_the_projector_fills_a_16_9_display_with_the_code_and_a_small_qr(make, open_page, sign_in, screenshot):
    school = make.school()
    page = open_page("laptop")
    sign_in(page, school.student)
    for width, height in ((1920, 1080), (1366, 768)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/conferences/{school.conference.id}/screen")
        page.wait_for_selector("#slide .slide")
        box = page.locator(".screen__slide").bounding_box()
        assert abs(box["width"] / box["height"] - 16 / 9) < 0.01, box
        assert box["width"] >= width - 1 or box["height"] >= height - 1, box  # as large as the display allows
        qr = page.locator(".screen__qr").bounding_box()
        assert qr["width"] <= 100 and qr["x"] > width / 2 and qr["y"] > height / 2, qr  # small, in a corner
        screenshot(page, "finish-screen", full_page=False)


def test_a_phone_scrolled_down_sees_the_earlier_slide_it_asked_for(make, open_page, sign_in, screenshot):
    school = make.school()
    presenter = open_page("laptop")
    sign_in(presenter, school.student)
    presenter.goto(f"/conferences/{school.conference.id}/present")
    presenter.wait_for_selector("[data-live-status][data-state=live]")
    mum = open_page("phone")
    join(mum, school.conference.code, "Mum")
    for n in ("2", "3"):
        presenter.click("[data-goto=next]")
        mum.wait_for_selector(f"[data-count]:has-text('{n} /')")
    prompt_style = mum.evaluate("() => { const p = document.querySelector('.slide__prompt'); return p && "
                                "getComputedStyle(p).backgroundColor; }")
    assert prompt_style in (None, "rgba(0, 0, 0, 0)")  # the prompt is words to the family, not a button
    # an old "Sent." goes when the next message is refused
    mum.fill("#feedback-body", "How long did it take?")
    mum.click("#feedback-form button[type=submit]")
    mum.wait_for_selector("#feedback-form [data-send-status]:has-text('Sent')")
    mum.guard.allow("422")  # the empty message is refused, as it should be
    mum.click("#feedback-form button[type=submit]")
    mum.wait_for_selector("#feedback-form .error")
    assert mum.locator("#feedback-form [data-send-status]").inner_text() == ""

    mum.set_viewport_size({"width": 390, "height": 600})  # a short phone, scrolled down to the feedback
    mum.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert mum.evaluate("window.scrollY") > 0
    mum.click("[data-browse-step='-1']")
    mum.wait_for_selector("[data-count]:has-text('2 /')")
    top = mum.evaluate("document.getElementById('slide').getBoundingClientRect().top")
    assert 0 <= top < 600, top
    assert "Ask me how" in mum.locator("#slide").inner_text()
    prompt = mum.locator(".slide__prompt")
    assert prompt.evaluate("p => getComputedStyle(p).backgroundColor") == "rgba(0, 0, 0, 0)"
    screenshot(mum, "finish-follow-earlier", full_page=False)


def test_the_coach_panel_and_participants_at_phone_width(make, open_page, sign_in, screenshot):
    school = make.school()
    code, cid = school.conference.code, school.conference.id
    long_name = "Alexander Montgomery-Featherstonehaugh the Third of Little Snoring"
    gov = open_page("phone")
    gov.goto(f"/j/{code}")
    gov.fill("#name", long_name)
    gov.check("input[name=role][value=governor]")
    gov.click("main button[type=submit]")
    gov.wait_for_url(f"**/live/{code}")
    coach = open_page("phone")
    sign_in(coach, SimpleNamespace(username="coach"))
    coach.goto(f"/conferences/{cid}/coach")
    coach.fill("#action-new", "Amara practises the recorder piece for ten minutes every evening before the concert")
    coach.locator("button", has_text="Add action").click()
    text = coach.locator(".action-row textarea").first
    text.wait_for()
    assert text.evaluate("t => t.scrollHeight <= t.clientHeight + 2"), "the action's text is clipped"
    owner = coach.locator(".action-row__owner select").first
    assert owner.bounding_box()["width"] >= 100  # "Student" and its arrow, whole
    screenshot(coach, "finish-coach")

    presenter = open_page("phone")
    sign_in(presenter, school.student)
    presenter.goto(f"/conferences/{cid}/present")
    # measured in one go: the list is pushed again whenever someone connects
    sizes = presenter.wait_for_function("""() => {
      const name = [...document.querySelectorAll('.participant__name')].find(n => n.textContent.includes('Alexander'));
      if (!name) return null;
      const badges = name.closest('.participant').querySelectorAll('.badge');
      const badge = [...badges].find(b => b.textContent === 'Governor');
      return {name: name.getBoundingClientRect().height, badge: badge.getBoundingClientRect().height,
              line: parseFloat(getComputedStyle(name).lineHeight)};
    }""").json_value()
    assert sizes["name"] <= 2 * sizes["line"] + 1, f"a long name takes more than two lines: {sizes}"
    assert sizes["badge"] < 2 * sizes["line"], f"the role breaks mid-word: {sizes}"
    screenshot(presenter, "finish-participants")


def test_describe_it_returns_to_the_presentation_and_a_link_needs_no_https(make, open_page, sign_in, screenshot):
    people = make.people()
    item = make.image_item(people.owner, title="Undescribed", visibility="shareable")
    pres = make.conference(people.owner, live=False)
    from conference_app import db
    from conference_app.models import Slide, SlideKind
    with make.app.app_context():
        s = db.session()
        s.add(Slide(presentation_id=pres.presentation_id, position=9, kind=SlideKind.ITEM, item_id=item.id))
        s.commit()
    page = open_page("phone")
    sign_in(page, people.owner)
    page.goto(f"/presentations/{pres.presentation_id}/readiness")
    page.click("text=Describe it")
    assert page.locator("label[for=alt_text]").inner_text() == "Describe the picture"
    page.fill("#alt_text", "A red square")
    page.locator("main button[type=submit]", has_text="Save").click()
    page.wait_for_url(f"**/presentations/{pres.presentation_id}")
    page.goto("/portfolio/new/link")
    page.fill("#title", "My Scratch game")
    page.fill("#url", "scratch.mit.edu/projects/123")
    page.locator("main button[type=submit]", has_text="Save").click()
    page.wait_for_url("**/portfolio/items/*")
    assert page.locator("a[href='https://scratch.mit.edu/projects/123']").count() >= 1
    screenshot(page, "finish-link")
