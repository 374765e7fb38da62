"""A real browser: feedback typed while the phone is offline waits on the phone (across a reload), and goes by
itself, once, when the connection is back."""
from sqlmodel import select

from conference_app import db
from conference_app.models import Feedback

from tests.e2e.test_feedback_flow import join


def test_feedback_written_offline_is_kept_and_sent_once_when_back(app, make, open_page, screenshot):
    school = make.school()
    code = school.conference.code
    mum = open_page("phone")
    mum.guard.allow("ERR_INTERNET_DISCONNECTED")  # the offline sends themselves
    mum.guard.allow("ERR_FAILED")  # the send blocked below, while the page is reloaded
    mum.guard.allow("htmx:sendError")  # htmx logs the failed send, and the request it ended
    mum.guard.allow("htmx:afterRequest")
    join(mum, code, "Mum")

    mum.context.set_offline(True)
    mum.fill("#feedback-body", "Can I see the painting again?")
    mum.click("#feedback-form button[type=submit]")
    mum.wait_for_selector(".outbox__item[data-state=waiting] >> text=Can I see the painting again?")
    assert mum.input_value("#feedback-body") == ""  # the form is free for the next message
    screenshot(mum, "feedback-offline-phone", full_page=False)

    # back online, but the send does not get through yet; the phone reloads the page: the message is still there
    mum.route("**/live/*/feedback", lambda route: route.abort("failed"))
    mum.context.set_offline(False)
    mum.reload()
    mum.wait_for_selector(".outbox__item[data-state=waiting] >> text=Can I see the painting again?")

    mum.unroute("**/live/*/feedback")
    mum.evaluate("window.dispatchEvent(new Event('online'))")
    mum.wait_for_selector(".outbox__item[data-state=sent]")
    mum.wait_for_selector("#feedback-feed >> text=Can I see the painting again?")
    mum.evaluate("window.dispatchEvent(new Event('online'))")  # a second trigger sends nothing more
    mum.wait_for_timeout(500)
    with app.app_context():
        sent = db.session().exec(select(Feedback).where(Feedback.conference_id == school.conference.id)).all()
    assert [f.body for f in sent] == ["Can I see the painting again?"]
    assert mum.evaluate("Object.keys(localStorage).filter(k => k.startsWith('feedback-outbox')).map(k => "
                        "JSON.parse(localStorage[k]).length)") == [0]
