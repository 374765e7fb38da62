"""Configuration read from the environment, with safe defaults for a laptop."""
import os
import secrets
from pathlib import Path


def _secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once into instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = Path(instance_path) / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def from_environment(instance_path: str) -> dict:
    """The app's settings; every one can be set by an environment variable of the same name."""
    env = os.environ.get
    settings = {
        "SECRET_KEY": _secret_key(instance_path),
        "DATABASE_URL": env("DATABASE_URL", f"sqlite:///{Path(instance_path) / 'conference.db'}"),
        "DB_POOL_SIZE": int(env("DB_POOL_SIZE", "20")),  # connections kept (and as many more at a peak)
        "MEDIA_ROOT": env("MEDIA_ROOT", str(Path(instance_path) / "media")),
        # One upload (a video is the largest thing a student adds).
        "MAX_CONTENT_LENGTH": int(env("MAX_UPLOAD_MB", "200")) * 1024 * 1024,
        # uploads are processed in worker processes: how many at once, and the memory each may use
        # (one core is left to the conferences: on a 2-core machine, one worker)
        "MEDIA_WORKERS": int(env("MEDIA_WORKERS", str(max(1, (os.cpu_count() or 2) - 1)))),
        "MEDIA_WORKER_MEMORY_MB": int(env("MEDIA_WORKER_MEMORY_MB", "1536")),
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI", "memory://"),
        "LOGIN_RATE_LIMIT": env("LOGIN_RATE_LIMIT", "10 per minute"),  # per account and address
        "LOGIN_RATE_LIMIT_PER_ADDRESS": env("LOGIN_RATE_LIMIT_PER_ADDRESS", "300 per minute"),
        "JOIN_RATE_LIMIT": env("JOIN_RATE_LIMIT", "30 per minute"),  # code guesses per address
        "FEEDBACK_RATE_LIMIT": env("FEEDBACK_RATE_LIMIT", "10 per minute"),  # messages per phone
        "REACTION_RATE_LIMIT": env("REACTION_RATE_LIMIT", "5 per 10 seconds"),  # reactions per phone
        "TIMEZONE": env("TIMEZONE", "UTC"),  # the school's clock for the times on pages, e.g. Europe/London
        "SOCKETIO_MESSAGE_QUEUE": env("SOCKETIO_MESSAGE_QUEUE") or None,
        # the Redis channel the processes of one installation share (two installations on one Redis
        # must not hear each other's pushes)
        "SOCKETIO_CHANNEL": env("SOCKETIO_CHANNEL", "conference-app"),
        # The address phones use to reach this server, for the join link and QR code
        # (e.g. http://192.168.1.20:5000); by default, the address the presenter used.
        "PUBLIC_URL": env("PUBLIC_URL") or None,
        # e-Portfolio day invitations and reminders by email: smtp://user:pass@host:port, smtps://…, ?starttls
        "SMTP_URL": env("SMTP_URL") or None,
        "SMTP_FROM": env("SMTP_FROM", "showcase@localhost"),
        # How many reverse proxies (nginx) stand in front and may be believed about the client's address
        # (X-Forwarded-For/-Proto/-Host/-Port, Werkzeug's ProxyFix); 0: none, forwarded headers are ignored.
        "TRUSTED_PROXIES": int(env("TRUSTED_PROXIES", "0")),
        "LOG_FORMAT": env("LOG_FORMAT", "text"),  # "json": access and app log lines as JSON
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": env("SESSION_COOKIE_SECURE", "0") == "1",
        # A signed-in browser is signed out after this long without a request, and after this long in all
        # (a school day); forms' CSRF tokens last as long.
        "SESSION_IDLE_MINUTES": int(env("SESSION_IDLE_MINUTES", "120")),
        "SESSION_MAX_HOURS": int(env("SESSION_MAX_HOURS", "12")),
        # A family phone's place in an ended conference (its closing form, its thanks page) lasts this long.
        "FAMILY_FORM_HOURS": int(env("FAMILY_FORM_HOURS", "48")),
        # how long a family's copy of a conference (its private link) works, in days
        "FAMILY_LINK_DAYS": int(env("FAMILY_LINK_DAYS", "30")),
        # a leaver's data is purged this many years after they left (`conference-app purge`)
        "RETAIN_YEARS_AFTER_LEAVING": int(env("RETAIN_YEARS_AFTER_LEAVING", "1")),
        # where the admin's group exports are kept until downloaded (and removed by a purge)
        "EXPORT_ROOT": env("EXPORT_ROOT", str(Path(instance_path) / "exports")),
        # who was purged (ids and account dates, no names), kept beside the backups: `restore` replays it
        "ERASURE_REGISTER": env("ERASURE_REGISTER", str(Path(instance_path) / "erasures.jsonl")),
    }
    settings["WTF_CSRF_TIME_LIMIT"] = settings["SESSION_MAX_HOURS"] * 3600
    return settings
