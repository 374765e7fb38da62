"""Issue 10 in a real browser: phones reach the server (the lobby's QR code is not loopback) and the home
page's code box takes a family into a conference."""
import io
from urllib.parse import urlparse

import pytest
import zxingcpp
from PIL import Image

from conference_app.network import is_loopback, lan_addresses
from tests.servers import server_fixture


# `serve --host 0.0.0.0`, as a school runs it for phones on the LAN; the laptop opens 127.0.0.1
live_server = server_fixture("reach", host="0.0.0.0")


@pytest.fixture
def school(app, make):
    return make.school(live=False)


def _decode_qr(page) -> str:
    qr = page.locator("img.join-card__qr")
    qr.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
    assert len(decoded) == 1, "the QR image did not decode"
    return decoded[0].text


def test_lobby_on_loopback_shows_a_qr_code_for_the_lan(school, open_page, sign_in, screenshot):
    laptop = open_page("laptop")
    sign_in(laptop, school.student)
    laptop.goto(f"/conferences/{school.conference.id}")
    assert urlparse(laptop.url).hostname == "127.0.0.1"
    scanned = _decode_qr(laptop)
    host = urlparse(scanned).hostname
    if lan_addresses():
        assert not is_loopback(host) and host == lan_addresses()[0], scanned
        assert scanned.endswith(f"/j/{school.conference.code}")
        assert laptop.locator("[data-join-problem]").count() == 0
    else:  # a machine with no network: then the page says how to fix it
        assert "--host 0.0.0.0" in laptop.locator("[data-join-problem]").inner_text()
    screenshot(laptop, "lobby-lan")



@pytest.mark.parametrize("typed", ["{lower}", "{spaced}"])
def test_home_page_code_box_joins_a_conference(school, open_page, screenshot, typed):
    phone = open_page("phone")
    phone.goto("/")
    assert phone.get_by_role("link", name="Join a conference").count() == 1
    code = school.conference.code
    spaced = f" {code[:4]}  {code[4:]} ".lower()
    phone.get_by_label("Have a code?").fill(typed.format(lower=code.lower(), spaced=spaced))
    if typed == "{lower}":
        screenshot(phone, "home-code")
    phone.get_by_role("button", name="Join the conference").click()
    phone.wait_for_url(f"**/j/{code}")
    phone.fill("#name", "Grandma Rose")
    phone.get_by_label("Family").check()
    phone.get_by_role("button", name="Join").click()
    phone.wait_for_url(f"**/live/{code}")
    phone.get_by_text("will start soon").wait_for()
