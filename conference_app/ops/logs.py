"""Logs for the school's IT person: one access line per request on stdout, the app's own log on stderr."""
import json
import logging
import re
import sys
import time
from datetime import datetime, UTC


# Secrets that travel in a path: one-time password links, a family's copy, a shared selection.
_SECRET_PATHS = re.compile(r"^(/account/welcome/|/copy/|/s/)[^/]+")


def _line(fields: dict, as_json: bool) -> str:
    if as_json:
        return json.dumps(fields, ensure_ascii=False)
    return ('{time} {client} "{method} {path}" {status} {duration_ms}ms'.format(**fields))


class AccessLog:
    """WSGI middleware: time, the phone's address, method, path, status, duration, written when the
    response is finished (a WebSocket when it closes).

    It reads REMOTE_ADDR after the app has run, so it sees what ProxyFix (inside it) set from the
    trusted proxy's headers; query strings and one-time link tokens are left out.
    """

    def __init__(self, app, stream=None, as_json: bool = False):
        self.app = app
        self.stream = stream or sys.stdout
        self.as_json = as_json

    def __call__(self, environ, start_response):
        started = time.monotonic()
        status = {}

        def _start_response(code, headers, exc_info=None):
            status["code"] = int(code.split(" ", 1)[0])
            return start_response(code, headers, exc_info)

        # A WebSocket is answered by the server's own handshake (no start_response); gunicorn's gevent
        # worker ends it by StopIteration when it closes.
        upgrade = environ.get("HTTP_UPGRADE", "").lower() == "websocket"
        try:
            body = self.app(environ, _start_response)
        except StopIteration:
            status.setdefault("code", 101 if upgrade else 0)
            self._write(environ, status, started)
            raise
        except BaseException:
            status.setdefault("code", 101 if upgrade else 500)
            self._write(environ, status, started)
            raise
        if upgrade:
            status.setdefault("code", 101)
        return _Closing(body, lambda: self._write(environ, status, started))

    def _write(self, environ, status, started) -> None:
        fields = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "client": environ.get("REMOTE_ADDR", "-"),
            "method": environ.get("REQUEST_METHOD", "-"),
            "path": _SECRET_PATHS.sub(r"\1…", environ.get("PATH_INFO", "")),
            "status": status.get("code", 0),
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
        }
        try:
            self.stream.write(_line(fields, self.as_json) + "\n")
            self.stream.flush()
        except (OSError, ValueError):
            pass


class _Closing:
    """The response body, with a callback once it is closed (after the last byte or on disconnect)."""

    def __init__(self, body, on_close):
        self.body = body
        self.on_close = on_close

    def __iter__(self):
        return iter(self.body)

    def close(self):
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            self.on_close()


class _JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(app) -> None:
    """For `serve`/`demo`: the app log on stderr (plain or JSON per LOG_FORMAT), the access log on stdout."""
    as_json = app.config.get("LOG_FORMAT") == "json"
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_JsonFormatter() if as_json else
                         logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)  # libraries: warnings and errors (their own request lines would repeat ours)
    app.logger.handlers[:] = []
    app.logger.setLevel(logging.INFO)  # the app's own log ("conference_app" and its modules)
    app.logger.propagate = True
    app.wsgi_app = AccessLog(app.wsgi_app, as_json=as_json)
