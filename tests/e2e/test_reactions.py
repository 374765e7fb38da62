"""A real browser: a phone taps reactions; the presenter sees them added up; the record counts them."""
from types import SimpleNamespace

from tests.e2e.test_feedback_flow import join


def test_a_phone_reacts_and_the_presenter_sees_it_added_up(app, make, open_page, sign_in, screenshot):
    school = make.school()
    code, cid = school.conference.code, school.conference.id
    presenter = open_page("laptop")
    sign_in(presenter, SimpleNamespace(username=school.student.username))
    presenter.goto(f"/conferences/{cid}/present")
    presenter.wait_for_selector("[data-live-status][data-state=live]")
    mum = open_page("phone")
    join(mum, code, "Mum")
    mum.click("[data-react=clap]")
    mum.wait_for_selector("[data-react-status]:has-text('Sent')")
    mum.click("[data-react=clap]")
    mum.click("[data-react=hand]")
    presenter.wait_for_selector("[data-reaction-strip] >> text=👏 ×2")
    presenter.wait_for_selector("[data-reaction-strip] >> text=✋")
    screenshot(mum, "reactions-phone", full_page=False)
    screenshot(presenter, "reactions-presenter", full_page=False)
