"""The production layout for bench/run.py: nginx, with the site deploy/render.py renders, in front of
`conference-app serve` processes started as the rendered systemd unit starts them, on PostgreSQL and
Redis (SOCKETIO_MESSAGE_QUEUE). The layout itself is deploy/trial.py, which tests/deploy/test_nginx.py
runs too; here only what the bench adds: its own process starter and the count of joins per process.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # deploy/ is beside bench/, not installed
from deploy.trial import Layout


class Stack(Layout):
    """Rendered deploy files, an app process on each of `ports`, nginx in front; `url` is what phones use."""

    def __init__(self, base: Path, ports: list[int], http_ports: tuple[int, int], database_url: str, redis_url: str,
                 env: dict[str, str]):
        super().__init__(base, ports, http_ports, database_url, redis_url, "bench", env)
        self.apps = []

    def start(self, start) -> None:
        """Each app process as its unit says (ExecStart, then ExecStartPost waits for /readyz), then nginx;
        `start(command, log_path, env)` starts a process in its own group (bench/run.py's)."""
        for port in self.ports:
            self.apps.append(start(self.unit_command("ExecStart", port), self.access_log(port), self.env))
        for port in self.ports:
            if not self.wait_ready(port):
                raise RuntimeError(f"app process on {port} not ready; log: {self.access_log(port)}")
        # 4,096 connections per worker: Debian's 768 are too few for a thousand phones (each one through nginx
        # is two connections).
        self.start_nginx("auto", 4096, start)

    def access_log(self, port: int) -> Path:
        """The app process's stdout: one access line per request, with the phone's address."""
        return self.base / f"app-{port}.log"

    def joins(self) -> list[int]:
        """Join forms posted to each process (its access log), to show that nginx spread the phones."""
        return [len(re.findall(r'"POST /j/', self.access_log(p).read_text())) for p in self.ports]
