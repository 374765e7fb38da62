#!/usr/bin/env python3
"""Render the deploy files from the school's values: python3 deploy/render.py SITE_ENV OUT_DIR

SITE_ENV is a copy of deploy/site.env.example, filled in. OUT_DIR receives:
  nginx/conference-app.conf             -> /etc/nginx/sites-available/conference-app
  systemd/*.service, *.target, *.timer  -> /etc/systemd/system/
  conference-app.env                    -> /etc/conference-app/env (mode 600: it holds SECRET_KEY)
Only the standard library: it runs before the app is installed.
"""
import re
import sys
from pathlib import Path
from string import Template

HERE = Path(__file__).resolve().parent
REQUIRED = ["SERVER_NAME", "TLS_CERT", "TLS_KEY", "APP_ROOT", "APP_USER", "DATA_DIR", "APP_PORTS", "DATABASE_URL",
            "REDIS_URL", "SECRET_KEY", "BACKUP_DIR"]
DEFAULTS = {"HTTP_PORT": "80", "HTTPS_PORT": "443", "TIMEZONE": "UTC", "MAX_UPLOAD_MB": "200", "LOG_FORMAT": "text",
            "BACKUP_KEEP": "14", "ENV_FILE": "/etc/conference-app/env", "APP_HOST": "127.0.0.1",
            "SOCKETIO_CHANNEL": "conference-app", "NGINX_ACCESS_LOG": "/var/log/nginx/conference-app.access.log",
            "SMTP_URL": "", "SMTP_FROM": "showcase@localhost"}
FILES = {
    "nginx/conference-app.conf.in": "nginx/conference-app.conf",
    "systemd/conference-app@.service.in": "systemd/conference-app@.service",
    "systemd/conference-app-migrate.service.in": "systemd/conference-app-migrate.service",
    "systemd/conference-app.target.in": "systemd/conference-app.target",
    "systemd/conference-app-backup.service.in": "systemd/conference-app-backup.service",
    "systemd/conference-app-backup.timer.in": "systemd/conference-app-backup.timer",
    "systemd/conference-app-reminders.service.in": "systemd/conference-app-reminders.service",
    "systemd/conference-app-reminders.timer.in": "systemd/conference-app-reminders.timer",
    "conference-app.env.in": "conference-app.env",
}
PLACEHOLDER = re.compile(r"\$\{([A-Z_]+)\}")


def read_env(path: Path) -> dict[str, str]:
    values = dict(DEFAULTS)
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            sys.exit(f"{path}:{number}: expected NAME=value, found {line!r}")
        name, value = line.split("=", 1)
        values[name.strip()] = value.strip()
    return values


def values_for(site: dict[str, str]) -> dict[str, str]:
    missing = [name for name in REQUIRED if not site.get(name)]
    if missing:
        sys.exit("Fill in " + ", ".join(missing) + " (see deploy/site.env.example).")
    ports = site["APP_PORTS"].replace(",", " ").split()
    if not ports or not all(p.isdigit() for p in ports):
        sys.exit(f"APP_PORTS must be port numbers separated by spaces, not {site['APP_PORTS']!r}.")
    if len(ports) > 1 and not site["DATABASE_URL"].startswith("postgresql"):
        sys.exit("Several app processes need PostgreSQL (DATABASE_URL) and Redis (REDIS_URL).")
    return {**site,
            "UPSTREAM_SERVERS": "\n".join(f"    server {site['APP_HOST']}:{p} max_fails=1 fail_timeout=10s;"
                                          for p in ports),
            "INSTANCES": " ".join(f"conference-app@{p}.service" for p in ports),
            "HTTPS_PORT_SUFFIX": "" if site["HTTPS_PORT"] == "443" else f":{site['HTTPS_PORT']}"}


def render(site_env: Path, out: Path) -> list[Path]:
    values = values_for(read_env(site_env))
    written = []
    for source, target in FILES.items():
        text = Template((HERE / source).read_text()).safe_substitute(values)
        left = PLACEHOLDER.findall(text)
        if left:
            sys.exit(f"{source}: no value for {', '.join(sorted(set(left)))}")
        path = out / target
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        if target.endswith(".env"):
            path.chmod(0o600)
        written.append(path)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    for written in render(Path(sys.argv[1]), Path(sys.argv[2])):
        print(written)
