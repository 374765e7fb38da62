"""The production layout, tested: nginx (the site rendered from deploy/) in front of two `serve`
processes started as the rendered systemd unit says, on PostgreSQL and Redis.

Phones come from different loopback addresses (127.0.x.y), so nginx sees, forwards and hashes each
one's own address, as it would phones on the school's Wi-Fi. Needs nginx (CI installs it), PostgreSQL
(DATABASE_URL) and Redis (TEST_REDIS_URL, by default db 5 on 127.0.0.1:6379); without nginx or PostgreSQL
outside CI the module is skipped. The layout itself is deploy/trial.py, which the benchmark runs too.
"""
import os
import re
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
import requests
import socketio
from requests.adapters import HTTPAdapter

from deploy.trial import NGINX, ROOT, Layout
from tests.live.clients import Browser, joined
from tests.helpers import PASSWORD
from tests.servers import free_port

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
IN_CI = bool(os.environ.get("CI"))


def _redis_up() -> bool:
    try:
        return redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def _why_skip() -> str | None:
    if not NGINX:
        return "nginx is not installed (apt-get install nginx-light)"
    if not os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        return "the production layout runs on PostgreSQL: set DATABASE_URL"
    if not _redis_up():
        return f"no Redis at {REDIS}"
    return None


_skip = _why_skip()
if _skip and IN_CI and "nginx" in _skip:
    raise RuntimeError(f"CI must run the nginx test: {_skip}")
pytestmark = pytest.mark.skipif(_skip is not None, reason=_skip or "")


class SourceAddress(HTTPAdapter):
    """Connections from one loopback address (Linux routes all of 127.0.0.0/8 to this machine)."""

    def __init__(self, source: str, **kw):
        self.source = source
        super().__init__(**kw)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


class Stack(Layout):
    """deploy/trial.py's layout with two app processes on free ports; what the tests add: starting, killing
    and restarting one process, and waiting until nginx answers."""

    def __init__(self, base: Path, database_url: str):
        super().__init__(base, [free_port(), free_port()], (free_port(), free_port()), database_url, REDIS, "test")
        self.procs: dict[int, subprocess.Popen] = {}

    def start_app(self, port: int) -> None:
        """ExecStart of conference-app@<port>.service, then its ExecStartPost (waits for /readyz)."""
        out = (self.base / f"app-{port}.access.log").open("a")
        err = (self.base / f"app-{port}.log").open("a")
        # Its own process group, like the unit's control group: `serve` becomes gunicorn and its worker.
        self.procs[port] = subprocess.Popen(self.unit_command("ExecStart", port), env=self.env, cwd=ROOT,
                                            stdout=out, stderr=err, start_new_session=True)
        out.close()
        err.close()
        assert self.wait_ready(port), (self.base / f"app-{port}.log").read_text()[-3000:]

    def kill_app(self, port: int) -> None:
        """A crash: SIGKILL to the whole process (gunicorn and its worker), no goodbye to the phones."""
        os.killpg(self.procs[port].pid, signal.SIGKILL)
        self.procs[port].wait(10)

    def start_nginx(self) -> None:
        """nginx as deploy/trial.py starts it, then until it answers /healthz."""
        super().start_nginx(2, 2048)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}/healthz", verify=str(self.cert), timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("nginx did not start")

    def stop(self) -> None:
        if self.nginx and self.nginx.poll() is None:
            self.nginx.terminate()
            self.nginx.wait(10)
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGINT)  # gunicorn's quick shutdown
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)

    def access_log(self, port: int) -> str:
        return (self.base / f"app-{port}.access.log").read_text()


@pytest.fixture(scope="module")
def stack(database_url, tmp_path_factory):
    s = Stack(tmp_path_factory.mktemp("deploy"), database_url)
    s.render()
    try:
        migrate = subprocess.run(s.unit_command("ExecStart", unit="conference-app-migrate.service"), env=s.env,
                                 cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert migrate.returncode == 0, migrate.stderr
        for port in s.ports:
            s.start_app(port)
        s.start_nginx()
        yield s
    finally:
        s.stop()


@pytest.fixture
def app_config(app_config, stack):
    app_config["MEDIA_ROOT"] = str(stack.media_root)
    return app_config


class Through(Browser):
    """A phone's browser going through nginx over HTTPS from its own address (it sends a Referer, as
    browsers do: Flask-WTF checks it on HTTPS)."""

    def __init__(self, stack: Stack, source: str | None = None):
        super().__init__(stack)
        self.trust_env = False  # no CA bundle or proxy from the environment: our certificate, straight to nginx
        self.verify = str(stack.cert)
        self.headers["Referer"] = stack.url + "/"
        if source:
            adapter = SourceAddress(source)
            self.mount("https://", adapter)
            self.mount("http://", adapter)


class NginxPhone:
    """A Socket.IO client through nginx (polling from its own address, or WebSocket), recording events."""

    def __init__(self, stack, browser: Through, conference_id: int, view="follower", transport="polling"):
        self.stack, self.browser = stack, browser
        self.events: list[tuple[str, dict]] = []
        self.changed = threading.Condition()
        self.sio = socketio.Client(http_session=browser, reconnection=True, reconnection_delay=0.2,
                                   reconnection_delay_max=1, request_timeout=5)
        self.sio.on("*", self._record)
        self.sio.on("connect", lambda: self.sio.emit("sync", {}))
        self.sio.connect(stack.url, auth={"conference": conference_id, "view": view}, transports=[transport],
                         wait_timeout=10)

    def _record(self, event, data=None):
        with self.changed:
            self.events.append((event, data or {}))
            self.changed.notify_all()

    def slide_at(self, position: int, timeout: float = 20) -> dict:
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for name, data in self.events:
                    if name in ("slide", "presenter") and data.get("position") == position and data.get("html"):
                        return data
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no slide {position} in {[(n, d.get('position')) for n, d in self.events]}")
                self.changed.wait(left)

    def close(self):
        if self.sio.connected:
            self.sio.disconnect()


def _sign_in(stack, username: str) -> Through:
    b = Through(stack)
    b.page("/login")
    answer = b.post_form("/login", {"username": username, "password": PASSWORD})
    assert answer.status_code == 303, answer.text[:500]
    b.page("/")
    return b


def _process_of(stack, address: str) -> int | None:
    for port in stack.ports:
        if re.search(rf"^\S+ {re.escape(address)} \"(GET|POST) /socket.io/", stack.access_log(port), re.M):
            return port
    return None


def test_https_hsts_static_caching_and_readiness_through_nginx(stack):
    plain = requests.get(f"http://127.0.0.1:{stack.http_port}/join", allow_redirects=False)
    assert plain.status_code == 301 and plain.headers["Location"] == f"{stack.url}/join"
    home = requests.get(stack.url + "/", verify=str(stack.cert))
    assert home.status_code == 200 and home.headers["Strict-Transport-Security"] == "max-age=31536000"
    css = re.search(r'href="(/static/css/app\.css\?v=\d+)"', home.text).group(1)
    static = requests.get(stack.url + css, verify=str(stack.cert))
    assert static.status_code == 200 and "immutable" in static.headers["Cache-Control"]
    assert "max-age=31536000" in static.headers["Strict-Transport-Security"]
    ready = requests.get(stack.url + "/readyz", verify=str(stack.cert)).json()
    assert ready["ok"] and ready["checks"]["redis (SOCKETIO_MESSAGE_QUEUE)"] == "ok"
    # nginx's access log keeps paths without query strings or one-time link tokens
    requests.get(stack.url + "/account/welcome/TOKEN-THAT-SIGNS-IN?next=SECRET-QUERY", verify=str(stack.cert))
    requests.get(stack.url + "/copy/TOKEN-OF-A-FAMILY/pictures/1", verify=str(stack.cert))
    log = stack.base / "nginx" / "logs" / "site.access.log"
    deadline = time.monotonic() + 5
    while "/copy/" not in (log.read_text() if log.exists() else "") and time.monotonic() < deadline:
        time.sleep(0.1)
    text = log.read_text()
    assert '"GET /account/welcome/[token]" 404' in text and "TOKEN-THAT" not in text and "SECRET-QUERY" not in text
    assert '"GET /copy/[token]/pictures/1"' in text and "TOKEN-OF-A-FAMILY" not in text


def test_sixty_phones_from_sixty_addresses_join_within_a_minute(app, make, stack):
    school = make.school()
    addresses = [f"127.0.1.{i}" for i in range(1, 61)]

    def join(address):
        b = Through(stack, address)
        page = b.page(f"/j/{school.conference.code}")
        answer = b.post_form(f"/j/{school.conference.code}", {"name": f"Phone {address}", "role": "family"})
        return page.status_code, answer.status_code, 'data-live="follower"' in answer.text

    started = time.monotonic()
    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(join, addresses))
    elapsed = time.monotonic() - started
    print(f"\n60 phones from 60 addresses joined through nginx in {elapsed:.1f} s")
    assert elapsed < 60
    assert all(r == (200, 200, True) for r in results), [r for r in results if r != (200, 200, True)][:5]
    # the real address in each process's access log; a line is written once its response has gone out
    lines = [f' {a} "POST /j/{school.conference.code}" 200 ' for a in addresses]
    deadline = time.monotonic() + 10
    while True:
        logs = "".join(stack.access_log(p) for p in stack.ports)
        missing = [line for line in lines if line not in logs]
        if not missing or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert not missing, missing[:3]
    per_process = {p: sum(f' {a} "POST /j/' in stack.access_log(p) for a in addresses) for p in stack.ports}
    print(f"joins per process: {per_process}")
    assert all(per_process.values()), f"nginx sent every phone to one process: {per_process}"


def test_phones_on_both_processes_follow_and_resume_after_a_process_is_killed(app, make, stack):
    school = make.school()
    presenter = NginxPhone(stack, _sign_in(stack, "amara"), school.conference.id, view="presenter",
                           transport="websocket")
    phones = {}
    try:
        for i in range(1, 17):
            address = f"127.0.2.{i}"
            phones[address] = NginxPhone(stack, joined(stack, school.conference.code, f"P{i}",
                                                       browser=Through(stack, address)), school.conference.id)
        on_ws = NginxPhone(stack, joined(stack, school.conference.code, "WebSocket phone", browser=Through(stack)),
                           school.conference.id, transport="websocket")
        where = {address: _process_of(stack, address) for address in phones}
        assert set(where.values()) == set(stack.ports), f"phones not on both processes: {where}"
        everyone = [*phones.values(), on_ws]
        for position in (1, 2):
            assert presenter.sio.call("goto", {"position": position}, timeout=5)["ok"]
            for phone in everyone:
                phone.slide_at(position)

        victim = max(stack.ports, key=lambda p: sum(1 for v in where.values() if v == p))
        survivor = next(p for p in stack.ports if p != victim)
        stack.kill_app(victim)
        killed_at = time.monotonic()
        deadline = time.monotonic() + 30
        while True:  # the presenter too may have been on the killed process: it reconnects
            try:
                if presenter.sio.connected and presenter.sio.call("goto", {"position": 3}, timeout=3)["ok"]:
                    break
            except socketio.exceptions.SocketIOError:
                pass
            assert time.monotonic() < deadline, "the presenter could not move on after the kill"
            time.sleep(0.3)
        moved = [a for a, p in where.items() if p == victim]
        for phone in everyone:
            phone.slide_at(3, timeout=30)
        print(f"\n{len(moved)} phones of the killed process resumed on the current slide "
              f"{time.monotonic() - killed_at:.1f} s after the kill")
        assert moved and all(_process_of_after(stack, a, survivor) for a in moved)
    finally:
        for phone in [presenter, *phones.values()]:
            phone.close()
        if "on_ws" in locals():
            on_ws.close()
        for port in stack.ports:  # later tests get both processes again
            if stack.procs[port].poll() is not None:
                stack.start_app(port)


def _process_of_after(stack, address: str, port: int) -> bool:
    return bool(re.search(rf"^\S+ {re.escape(address)} \"(GET|POST) /socket.io/", stack.access_log(port), re.M))
