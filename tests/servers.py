"""A real server for tests: `conference-app serve` (gevent, the production server) in a subprocess.

A subprocess shares no Flask or Socket.IO state with the test process, and can be killed and
started again on the same port to test a restart mid-conference.
"""
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, database_url: str, media_root: Path, log_dir: Path, host: str = "127.0.0.1", **env):
        self.host = host  # where it listens ("0.0.0.0": every interface); tests talk to it on 127.0.0.1
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root),
                    "ERASURE_REGISTER": str(media_root.parent / "erasures.jsonl"),
                    "SECRET_KEY": "live-test-secret", "LOGIN_RATE_LIMIT": "1000 per minute",
                    "JOIN_RATE_LIMIT": "1000 per minute", "PYTHONUNBUFFERED": "1", **env}
        self.log = log_dir / f"server-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> "LiveServer":
        script = Path(sys.executable).parent / "conference-app"
        with self.log.open("a") as log:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen([str(script), "serve", "--host", self.host, "--port", str(self.port)],
                                         env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)  # its own process group: gunicorn and worker
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """Like a crash: SIGKILL, no goodbye to the clients."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        """gunicorn's quick shutdown (SIGINT): open WebSockets are not waited for."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def serving(database_url: str, tmp_path_factory, name: str, host: str = "127.0.0.1", **env):
    """A started LiveServer (media in its own folder, `server.media_root`), stopped afterwards: the one way
    test modules run the real app, each with its own settings (a module-scoped fixture yields from this)."""
    media = tmp_path_factory.mktemp(f"{name}-media")
    server = LiveServer(database_url, media, tmp_path_factory.mktemp(f"{name}-logs"), host=host, **env)
    server.media_root = media
    server.start()
    try:
        yield server
    finally:
        server.stop()


def server_fixture(name: str, **settings):
    """A module's own live server, with its own settings, in place of tests/conftest.py's:
    `live_server = server_fixture("reactions", REACTION_RATE_LIMIT="3 per 10 seconds")`."""

    @pytest.fixture(scope="module")
    def live_server(database_url, tmp_path_factory):
        with serving(database_url, tmp_path_factory, name, **settings) as server:
            yield server

    return live_server


@pytest.fixture(name="app_config")
def media_on_live_server(app_config, live_server):
    """The tests' own app writes media where the live server reads it: a module that puts work on the live
    server's slides says `app_config = media_on_live_server`."""
    app_config["MEDIA_ROOT"] = str(live_server.media_root)
    return app_config
