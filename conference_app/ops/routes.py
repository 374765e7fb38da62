"""/healthz: the process answers. /readyz: it can serve (database, Redis when configured, media writable)."""
import os
import tempfile

from flask import current_app
from sqlalchemy import text

from .. import db
from ..extensions import limiter
from . import bp


@bp.get("/healthz")
@limiter.exempt
def healthz():
    return {"ok": True}, 200, {"Cache-Control": "no-store"}


def _database() -> None:
    with db.engine().connect() as conn:
        conn.execute(text("SELECT 1"))


def _redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


def _media() -> None:
    fd, path = tempfile.mkstemp(prefix=".readyz-", dir=current_app.config["MEDIA_ROOT"])
    os.close(fd)
    os.unlink(path)


@bp.get("/readyz")
@limiter.exempt
def readyz():
    """Each check's result; 503 when any fails (nginx and the units stop sending phones here)."""
    checks = {"database": _database, "media": _media}
    for key in ("SOCKETIO_MESSAGE_QUEUE", "RATELIMIT_STORAGE_URI"):
        url = current_app.config.get(key) or ""
        if url.startswith(("redis://", "rediss://")):
            checks[f"redis ({key})"] = lambda url=url: _redis(url)
    results, ok = {}, True
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as e:
            ok = False
            results[name] = "failed"  # the reason goes to the log, not to whoever asks
            current_app.logger.warning("readyz: %s failed: %s: %s", name, type(e).__name__, e)
    return {"ok": ok, "checks": results}, 200 if ok else 503, {"Cache-Control": "no-store"}
