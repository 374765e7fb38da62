"""The rendered production layout run under one prefix on one machine: for the benchmark
(bench/production.py) and the tests (tests/deploy/test_nginx.py), so that both run what a school installs
and not two copies of it. Unprivileged: free ports, the run's folder as DATA_DIR and nginx's prefix, nginx
in the foreground. Only the standard library, like render.py: the bench imports it without the test extras.
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
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

# Debian's nginx.conf with everything under the run's prefix; the site itself is the rendered one, included.
NGINX_CONF = """{user}worker_processes {worker_processes};
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections {worker_connections}; }}
http {{
    include /etc/nginx/mime.types;
    access_log {prefix}/logs/access.log;
    client_body_temp_path {prefix}/body; proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi; uwsgi_temp_path {prefix}/uwsgi; scgi_temp_path {prefix}/scgi;
    include {site};
}}
"""


class Layout:
    """deploy/'s files rendered into `base` for app processes on `ports` and nginx on `http_ports`;
    `url` is what phones use. `name` keeps the run's Redis channel apart (never another run's pushes);
    `env` is laid over the rendered env (the bench's rate limits)."""

    def __init__(self, base: Path, ports: list[int], http_ports: tuple[int, int], database_url: str,
                 redis_url: str, name: str, env: dict[str, str] | None = None):
        self.base, self.ports = base, ports
        self.http_port, self.https_port = http_ports
        self.url = f"https://127.0.0.1:{self.https_port}"
        self.cert, self.key = base / "tls" / "cert.pem", base / "tls" / "key.pem"
        self.data = base / "data"
        self.media_root = self.data / "media"
        self.rendered = base / "rendered"
        self.prefix = base / "nginx"
        self.database_url, self.redis_url, self.name = database_url, redis_url, name
        self.extra_env = env or {}
        self.env: dict[str, str] = {}
        self.nginx: subprocess.Popen | None = None

    def render(self) -> dict[str, str]:
        """A self-signed certificate for 127.0.0.1, site.env, deploy/render.py; the app's env (the rendered
        env file over this process's own)."""
        self.cert.parent.mkdir(parents=True)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                        "-keyout", str(self.key), "-out", str(self.cert)],
                       check=True, capture_output=True, timeout=60)
        site = self.base / "site.env"
        site.write_text("\n".join([
            "SERVER_NAME=127.0.0.1", f"TLS_CERT={self.cert}", f"TLS_KEY={self.key}",
            f"HTTP_PORT={self.http_port}", f"HTTPS_PORT={self.https_port}", f"APP_ROOT={ROOT}",
            f"APP_USER={os.environ.get('USER', 'root')}", f"DATA_DIR={self.data}",
            "APP_PORTS=" + " ".join(map(str, self.ports)), f"DATABASE_URL={self.database_url}",
            f"REDIS_URL={self.redis_url}", f"SECRET_KEY={secrets.token_hex(32)}",
            f"BACKUP_DIR={self.base / 'backups'}", f"ENV_FILE={self.rendered / 'conference-app.env'}",
            f"SOCKETIO_CHANNEL=conference-app-{self.name}-{secrets.token_hex(4)}",
            f"NGINX_ACCESS_LOG={self.prefix / 'logs' / 'site.access.log'}"]) + "\n")
        subprocess.run([sys.executable, str(ROOT / "deploy" / "render.py"), str(site), str(self.rendered)],
                       check=True, capture_output=True, timeout=60)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for line in (self.rendered / "conference-app.env").read_text().splitlines():
            if line and not line.startswith("#"):
                name, value = line.split("=", 1)
                env[name] = value
        self.media_root.mkdir(parents=True)
        self.env = {**env, **self.extra_env}
        return self.env

    def unit_command(self, key: str, port: int | None = None, unit: str = "conference-app@.service") -> list[str]:
        """A rendered unit's ExecStart or ExecStartPost as a command, for the process on `port` (%i)."""
        text = (self.rendered / "systemd" / unit).read_text()
        line = re.search(rf"^{key}=(.+)$", text, re.M).group(1)
        return shlex.split(line if port is None else line.replace("%i", str(port)))

    def wait_ready(self, port: int) -> bool:
        """The unit's ExecStartPost: waits for the process's /readyz, as systemd would before the next."""
        return subprocess.run(self.unit_command("ExecStartPost", port), env=self.env, timeout=90).returncode == 0

    def start_nginx(self, worker_processes: int | str, worker_connections: int, start=None) -> subprocess.Popen:
        """nginx.conf under the prefix, `nginx -t`, then nginx in the foreground (`daemon off`), a child of
        ours; `start(command, log_path, env)` starts it if given, else it is started here, its stderr logged."""
        if not NGINX:
            raise RuntimeError("nginx is not installed")
        (self.prefix / "logs").mkdir(parents=True)
        conf = self.prefix / "nginx.conf"
        conf.write_text(NGINX_CONF.format(
            user="user root;\n" if os.geteuid() == 0 else "", worker_processes=worker_processes,
            worker_connections=worker_connections, prefix=self.prefix,
            site=self.rendered / "nginx" / "conference-app.conf"))
        test = subprocess.run([NGINX, "-t", "-p", str(self.prefix), "-c", str(conf)], capture_output=True,
                              text=True, timeout=30)
        if test.returncode:
            raise RuntimeError(f"nginx -t: {test.stderr}")
        command = [NGINX, "-p", str(self.prefix), "-c", str(conf), "-g", "daemon off;"]
        log = self.prefix / "logs" / "stderr.log"
        if start:
            self.nginx = start(command, log, self.env)
        else:
            with log.open("a") as err:
                self.nginx = subprocess.Popen(command, stderr=err)
        return self.nginx
