"""Real-browser fixtures for the whole team.

- `live_server` (tests/conftest.py): the app in a SUBPROCESS (`conference-app serve`, gevent), sharing
  the tests' database; `app_config` here points the tests' own app at its MEDIA_ROOT.
- `browser`: the system Chromium through Playwright's sync API.
- `phone_page` / `laptop_page` (and `open_page(kind)`): a fresh context and page at 390x844 (touch, mobile)
  or 1366x768, with `base_url` set and a guard that FAILS the test on any uncaught page error, console
  error, failed request or request to another host. Call `guard.allow("substring")` for expected errors.
- `sign_in(page, user)`, `screenshot(page, name)` (PNG under test-output/screenshots/).

Without /usr/bin/chromium the e2e tests are skipped, unless CI is set (then they fail).
"""
import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.helpers import PASSWORD
from tests.servers import media_on_live_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
PHONE = dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2)
LAPTOP = dict(viewport={"width": 1366, "height": 768})


def pytest_collection_modifyitems(config, items):
    """No Chromium: skip the browser tests, except on CI, where the fixtures then fail them."""
    if Path(CHROMIUM).exists() or os.environ.get("CI"):
        return
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} is missing"))


app_config = media_on_live_server  # (tests/servers.py)


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing") if os.environ.get("CI") else pytest.skip(f"{CHROMIUM} is missing")
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class Guard:
    """Collects what went wrong in a page; the fixture fails the test if anything did."""

    def __init__(self, base_url: str):
        self.host = urlparse(base_url).netloc
        self.problems: list[str] = []
        self.allowed: list[str] = []

    def allow(self, text: str) -> None:
        """Do not count problems whose text contains `text` (for example an expected 409)."""
        self.allowed.append(text)

    def add(self, problem: str) -> None:
        self.problems.append(problem)

    def attach(self, context, page) -> None:
        page.on("pageerror", lambda e: self.add(f"uncaught error: {e}"))
        page.on("console", lambda m: self.add(f"console {m.type}: {m.text} ({m.location.get('url')})")
                if m.type == "error" else None)
        page.on("requestfailed", self._request_failed)

        def only_our_host(route):
            url = route.request.url
            if urlparse(url).netloc in (self.host, "") or url.startswith(("data:", "blob:")):
                route.continue_()
            else:
                self.add(f"request to another host: {route.request.url}")
                route.abort()

        context.route("**/*", only_our_host)

    def _request_failed(self, request) -> None:
        # A navigation or a media preload that the browser itself cancels is not a failure.
        if (request.failure or "").endswith("ERR_ABORTED") and urlparse(request.url).netloc == self.host:
            return
        self.add(f"request failed: {request.method} {request.url} {request.failure}")

    def check(self) -> None:
        real = [p for p in self.problems if not any(a in p for a in self.allowed)]
        assert not real, "the page had problems:\n" + "\n".join(real)


@pytest.fixture
def open_page(browser, live_server):
    """open_page("phone" | "laptop") -> a guarded page in a fresh context; page.guard is its Guard."""
    opened = []

    def _open(kind: str = "laptop"):
        options = PHONE if kind == "phone" else LAPTOP
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        page = context.new_page()
        guard = Guard(live_server.url)
        guard.attach(context, page)
        page.guard = guard
        opened.append((context, guard))
        return page

    yield _open
    try:
        for _context, guard in opened:
            guard.check()
    finally:
        for context, _guard in opened:
            context.close()


@pytest.fixture
def phone_page(open_page):
    return open_page("phone")


@pytest.fixture
def laptop_page(open_page):
    return open_page("laptop")


@pytest.fixture
def sign_in():
    def _sign_in(page, user, password=PASSWORD):
        page.goto("/login")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert "/login" not in page.url, "sign-in failed"
        return page
    return _sign_in


def _screenshot(page, name: str, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    path = SCREENSHOTS / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture
def screenshot():
    """screenshot(page, name) -> test-output/screenshots/<name>-<width>.png"""
    return _screenshot
