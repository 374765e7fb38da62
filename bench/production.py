"""The production layout for bench/run.py: nginx, with the site deploy/render.py renders, in front of
`conference-app serve` processes started as the rendered systemd unit starts them, on PostgreSQL and
Redis (SOCKETIO_MESSAGE_QUEUE). The same steps as tests/deploy/test_nginx.py, unprivileged: nginx runs
in the foreground with its prefix, logs and temporary files in the run's folder, on free ports.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

# Debian's nginx.conf, but 4,096 connections per worker (Debian's 768 are too few for a thousand phones:
# each one through nginx is two connections) and everything under the run's own prefix.
NGINX_CONF = """{user}worker_processes auto;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    access_log {prefix}/logs/access.log;
    client_body_temp_path {prefix}/body; proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi; uwsgi_temp_path {prefix}/uwsgi; scgi_temp_path {prefix}/scgi;
    include {site};
}}
"""


class Stack:
    """Rendered deploy files, an app process on each of `ports`, nginx in front; `url` is what phones use."""

    def __init__(self, base: Path, ports: list[int], http_ports: tuple[int, int], database_url: str, redis_url: str,
                 env: dict[str, str]):
        self.base, self.ports = base, ports
        self.http_port, self.https_port = http_ports
        self.url = f"https://127.0.0.1:{self.https_port}"
        self.cert = base / "tls" / "cert.pem"
        self.prefix = base / "nginx"
        self.database_url, self.redis_url = database_url, redis_url
        self.extra_env = env  # the bench's own settings (rate limits) over the rendered ones
        self.apps: list[subprocess.Popen] = []
        self.nginx: subprocess.Popen | None = None

    def render(self) -> dict[str, str]:
        """The site, unit and env file from deploy/ (a self-signed certificate for 127.0.0.1); the app's env."""
        key = self.cert.with_name("key.pem")
        self.cert.parent.mkdir(parents=True)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", str(key), "-out", str(self.cert)],
                       check=True, capture_output=True, timeout=60)
        rendered = self.base / "rendered"
        site = self.base / "site.env"
        site.write_text("\n".join([
            "SERVER_NAME=127.0.0.1", f"TLS_CERT={self.cert}", f"TLS_KEY={key}", f"HTTP_PORT={self.http_port}",
            f"HTTPS_PORT={self.https_port}", f"APP_ROOT={ROOT}", f"APP_USER={os.environ.get('USER', 'root')}",
            f"DATA_DIR={self.base / 'data'}", "APP_PORTS=" + " ".join(map(str, self.ports)),
            f"DATABASE_URL={self.database_url}", f"REDIS_URL={self.redis_url}", f"SECRET_KEY={secrets.token_hex(32)}",
            f"BACKUP_DIR={self.base / 'backups'}", f"ENV_FILE={rendered / 'conference-app.env'}",
            f"SOCKETIO_CHANNEL=conference-app-bench-{secrets.token_hex(4)}",  # never another run's pushes
            f"NGINX_ACCESS_LOG={self.prefix / 'logs' / 'site.access.log'}"]) + "\n")
        subprocess.run([sys.executable, str(ROOT / "deploy" / "render.py"), str(site), str(rendered)],
                       check=True, capture_output=True, timeout=60)
        self.unit = (rendered / "systemd" / "conference-app@.service").read_text()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for line in (rendered / "conference-app.env").read_text().splitlines():
            if line and not line.startswith("#"):
                name, value = line.split("=", 1)
                env[name] = value
        (self.base / "data" / "media").mkdir(parents=True)
        self.env = {**env, **self.extra_env}
        return self.env

    def unit_command(self, key: str, port: int) -> list[str]:
        line = re.search(rf"^{key}=(.+)$", self.unit, re.M).group(1)
        return shlex.split(line.replace("%i", str(port)))

    def start(self, start) -> None:
        """Each app process as its unit says (ExecStart, then ExecStartPost waits for /readyz), then nginx;
        `start(command, log_path, env)` starts a process in its own group (bench/run.py's)."""
        for port in self.ports:
            self.apps.append(start(self.unit_command("ExecStart", port), self.access_log(port), self.env))
        for port in self.ports:
            if subprocess.run(self.unit_command("ExecStartPost", port), env=self.env, timeout=90).returncode:
                raise RuntimeError(f"app process on {port} not ready; log: {self.access_log(port)}")
        (self.prefix / "logs").mkdir(parents=True)
        conf = self.prefix / "nginx.conf"
        conf.write_text(NGINX_CONF.format(user="user root;\n" if os.geteuid() == 0 else "", prefix=self.prefix,
                                          site=self.base / "rendered" / "nginx" / "conference-app.conf"))
        test = subprocess.run([NGINX, "-t", "-p", str(self.prefix), "-c", str(conf)], capture_output=True, text=True,
                              timeout=30)
        if test.returncode:
            raise RuntimeError(f"nginx -t: {test.stderr}")
        self.nginx = start([NGINX, "-p", str(self.prefix), "-c", str(conf), "-g", "daemon off;"],
                              self.prefix / "logs" / "stderr.log", self.env)

    def access_log(self, port: int) -> Path:
        """The app process's stdout: one access line per request, with the phone's address."""
        return self.base / f"app-{port}.log"

    def joins(self) -> list[int]:
        """Join forms posted to each process (its access log), to show that nginx spread the phones."""
        return [len(re.findall(r'"POST /j/', self.access_log(p).read_text())) for p in self.ports]
