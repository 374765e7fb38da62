"""A presenter's presses made while the connection is down are not queued and replayed on reconnect."""
import re
import time

from sqlmodel import select

from conference_app import db
from conference_app.models import Conference, SlideVisit


def _stored(app, conference_id):
    with app.app_context():
        s = db.session()
        position = s.get(Conference, conference_id).position
        visits = s.exec(select(SlideVisit.position).where(SlideVisit.conference_id == conference_id)).all()
        return position, list(visits)


def test_presses_while_offline_are_not_replayed(app, live_server, school, open_page, sign_in, screenshot):
    laptop = open_page("laptop")
    for noise in ("socket.io", "ERR_CONNECTION_REFUSED", "ERR_CONNECTION_RESET", "WebSocket"):  # down on purpose
        laptop.guard.allow(noise)
    sign_in(laptop, school.student)
    laptop.goto(f"/conferences/{school.conference.id}/present")
    status = laptop.locator(".present [data-live-status]")
    status.filter(has_text="Live").wait_for()
    live_server.kill()
    status.filter(has_text="Reconnecting").wait_for()
    for _ in range(6):
        laptop.keyboard.press("ArrowRight")
    status.filter(has_text="Offline: that press was not sent").wait_for()
    assert laptop.locator("[data-count]").inner_text() == "1 / 5"  # the page did not count on by itself
    screenshot(laptop, "presenter-offline", full_page=False)
    live_server.start()
    status.filter(has_text=re.compile(r"Back online\. The 6 presses made while offline were not sent: "
                                      r"still on slide 1\.")).wait_for(timeout=15_000)
    time.sleep(1)
    assert _stored(app, school.conference.id) == (0, [0])  # nothing stored, no visits logged
    laptop.keyboard.press("ArrowRight")  # and the next press, online, is an ordinary one
    laptop.locator("#presenter .presenter-slide[data-position='1']").wait_for()
    assert _stored(app, school.conference.id)[0] == 1
