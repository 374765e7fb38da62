"""Keyboard and zoom on the audience's pages (issue 6): tabbing through the join page and the follower page
reaches every control, each with a visible focus style (:focus-visible draws a box-shadow, app.css); and the
follower page still works at 200% text size on a phone (root font-size doubled in a 390-px context): no sideways
scroll, the slide and the look-back buttons visible."""
import re

import pytest

from conference_app import db
from conference_app.live import conferences

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const ring = e => { const s = getComputedStyle(e);
    return s.boxShadow !== 'none' || (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0); };
  const shown = ring(el) || (el.matches('input') && el.nextElementSibling && ring(el.nextElementSibling));
  return {key: el.dataset.kbKey || '', tag: el.tagName, label: (el.getAttribute('aria-label') || el.textContent
          || el.name || el.id).trim().slice(0, 40), ring: shown};
}"""

# Tag every control a person must reach (one radio per group is enough: arrows move within a group)
MARK = """() => {
  const seen = new Set(); let n = 0; const keys = [];
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea')) {
    if (el.disabled || el.type === 'hidden' || el.closest('[hidden]') || el.getClientRects().length === 0
        && !(el.matches('input') && el.closest('label'))) continue;
    if (el.type === 'radio') { if (seen.has(el.name)) continue; seen.add(el.name);
      document.querySelectorAll(`input[name="${el.name}"]`).forEach(r => r.dataset.kbKey = 'radio:' + el.name);
      keys.push('radio:' + el.name); continue; }
    el.dataset.kbKey = 'c' + (n++); keys.push(el.dataset.kbKey);
  }
  return keys;
}"""


def tab_through(page, limit=60) -> dict[str, dict]:
    expected = page.evaluate(MARK)
    page.locator("body").click(position={"x": 1, "y": 1})
    reached = {}
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        if now and now["key"]:
            reached.setdefault(now["key"], now)
        if set(expected) <= set(reached):
            break
    missing = [k for k in expected if k not in reached]
    assert not missing, f"not reachable by Tab: {missing} ({page.url})"
    no_ring = [f"{r['tag']} {r['label']}" for r in reached.values() if not r["ring"]]
    assert not no_ring, f"no visible focus style: {no_ring}"
    return reached


@pytest.fixture
def school(app, school):
    with app.app_context():  # on the third slide, so that "← Earlier" is a live control too
        conferences.goto(db.session(), school.conference.id, 2)
    return school


def join(page, code, name="Grandma Rose"):
    page.goto(f"/j/{code}")
    page.fill("#name", name)
    page.get_by_label("Family").check()
    page.get_by_role("button", name="Join").click()
    page.wait_for_url(re.compile(r"/live/"))
    page.locator("#slide .slide").first.wait_for()


def test_join_and_follower_pages_by_keyboard(school, open_page, screenshot):
    code = school.conference.code
    page = open_page("phone")
    page.goto(f"/j/{code}")
    reached = tab_through(page)
    assert any(r["label"] == "Join" for r in reached.values())
    join(page, code)
    page.locator("[data-browse-step='-1']:not([disabled])").wait_for()
    reached = tab_through(page)
    labels = " | ".join(r["label"] for r in reached.values())
    assert "Earlier" in labels and "Send" in labels, labels
    # the Earlier button works from the keyboard
    page.locator("[data-browse-step='-1']").focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Back to live").wait_for()
    screenshot(page, "keyboard-follower", full_page=False)


@pytest.mark.parametrize("kind", ["phone", "laptop"])
def test_follower_at_200_percent_text(school, open_page, screenshot, kind):
    page = open_page(kind)
    join(page, school.conference.code)
    page.add_style_tag(content="html { font-size: 200% !important; }")
    page.wait_for_timeout(100)
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, f"sideways scroll at 200% text: {width}"
    assert page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)") >= 32
    slide = page.locator("#slide .slide").first
    assert slide.is_visible()
    for button in (page.get_by_role("button", name="Earlier", exact=True),
                   page.get_by_role("button", name="Later", exact=True)):
        box = button.bounding_box()
        assert button.is_visible() and box and box["x"] >= 0 and box["x"] + box["width"] <= width[1] + 1, box
    screenshot(page, "zoom-200-follower")
