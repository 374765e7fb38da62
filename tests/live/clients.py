"""Clients for tests against a live server: a browser-like HTTP session and a real Socket.IO client."""
import html
import re
import threading
import time

import requests
import socketio

from tests.helpers import PASSWORD

TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')
# a row of the presenter's participant list: its id, whether its dot is lit, its name
_ROW = re.compile(r'data-participant="(?P<id>\d+)">\s*<span class="participant__dot (?P<on>is-online)?[^"]*"'
                  r'[^>]*></span>\s*<span class="participant__name">(?:<bdi>)?(?P<name>.*?)(?:</bdi>)?</span>')


def csrf(html: str) -> str:
    return TOKEN.search(html).group(1)


class Browser(requests.Session):
    """An HTTP session that remembers the CSRF token of the last page it loaded."""

    def __init__(self, server):
        super().__init__()
        self.server = server
        self.token = ""

    def page(self, path: str, **kw) -> requests.Response:
        response = self.get(self.server.url + path, **kw)
        if "csrf-token" in response.text:
            self.token = csrf(response.text)
        return response

    def post_form(self, path: str, data: dict | None = None, **kw) -> requests.Response:
        return self.post(self.server.url + path, data={**(data or {}), "csrf_token": self.token},
                         allow_redirects=False, **kw)

    def htmx(self, path: str, data: dict | None = None) -> requests.Response:
        return self.post(self.server.url + path, data=data or {}, allow_redirects=False,
                         headers={"HX-Request": "true", "X-CSRFToken": self.token})

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.cookies)


def signed_in(server, username: str) -> Browser:
    b = Browser(server)
    b.page("/login")
    assert b.post_form("/login", {"username": username, "password": PASSWORD}).status_code == 303
    b.page("/")
    return b


def joined(server, code: str, name: str, role: str = "family", browser: Browser | None = None) -> Browser:
    b = browser or Browser(server)
    page = b.page(f"/j/{code}")
    assert page.status_code == 200, page.text[:500]
    answer = b.post_form(f"/j/{code}", {"name": name, "role": role})
    assert answer.status_code == 200 and 'data-live="follower"' in answer.text, answer.text[:500]
    return b


class Phone:
    """A real Socket.IO client (WebSocket transport) that records every event it receives."""

    def __init__(self, server, browser: Browser, conference_id: int, view: str = "follower", connect=True):
        self.server, self.browser, self.conference_id, self.view = server, browser, conference_id, view
        self.events: list[tuple[str, dict]] = []
        self.changed = threading.Condition()
        self.sio = socketio.Client(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)
        self.sio.on("*", self._record)
        self.sio.on("connect", lambda: self.sio.emit("sync", {}))
        if connect:
            self.connect()

    def connect(self):
        self.sio.connect(self.server.url, headers={"Cookie": self.browser.cookie_header},
                         auth={"conference": self.conference_id, "view": self.view},
                         transports=["websocket"], wait_timeout=5)

    def _record(self, event, data=None):
        with self.changed:
            self.events.append((event, data or {}))
            self.changed.notify_all()

    def wait_for(self, event: str, test=lambda data: True, timeout: float = 8) -> dict:
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for name, data in self.events:
                    if name == event and test(data):
                        return data
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {event!r} in {[(n, d.get('position')) for n, d in self.events]}")
                self.changed.wait(left)

    def connected_people(self) -> dict[str, bool]:
        """Who the participant list on this presenter view shows as connected, by name: the last list
        pushed, with the presence pushed since marked on it (as live.js does)."""
        names, online = {}, {}
        for event, data in list(self.events):
            if event == "participants":
                names, online = {}, {}
                for row in _ROW.finditer(data["html"]):
                    names[row["id"]], online[row["id"]] = html.unescape(row["name"]), bool(row["on"])
            elif event == "presence":
                online.update({pid: on for pid, on in data["online"].items() if pid in names})
        return {names[pid]: on for pid, on in online.items()}

    def shows_connected(self, name: str, connected: bool = True, timeout: float = 8) -> None:
        deadline = time.monotonic() + timeout
        with self.changed:
            while self.connected_people().get(name) is not connected:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{name} not shown as {'' if connected else 'not '}connected: "
                                         f"{self.connected_people()}")
                self.changed.wait(left)

    def slide_at(self, position: int, timeout: float = 8) -> dict:
        return self.wait_for("slide" if self.view != "presenter" else "presenter",
                             lambda d: d.get("position") == position and d.get("html"), timeout)

    def goto(self, position: int) -> dict:
        return self.sio.call("goto", {"position": position}, timeout=5)

    def payloads(self) -> str:
        return " ".join(str(d) for _, d in self.events)

    def close(self):
        if self.sio.connected:
            self.sio.disconnect()
