"""Keeping the event loop free: requests that a whole room of phones sends at once, handled a few at a
time (lanes), and blocking or CPU-heavy calls run in a thread beside the loop (`off_loop`).

Under gevent every request shares one event loop. When 300 phones send feedback in the same second,
starting all 300 at once (cookie session, CSRF check, rate limit, database write, render, push)
stalled every slide change for seconds. A lane lets `width` such requests run at once in a process
and keeps the rest waiting before any of that work starts, so the loop keeps turning: a slide change
waits for a couple of messages at most, and each phone still gets its answer within seconds.

A feature opens a lane for its own routes in its `init_app`: `lanes.open(app, "POST", pattern, width)`
(feedback for its messages; the portfolio for uploads, whose bodies are parsed on the loop). The school's
own pages (a portfolio, a presentation, the admin's lists: every GET but the live conference's) share
one lane, `PAGES_WIDTH` wide: twenty students opening their portfolio at once were twenty renders of tens
of milliseconds each, and a slide change waited for all of them; in the lane it waits for a few at most.
Each feature marks its own live paths where it registers them (`lanes.keep_live(app, "live", "j")`: the
first segment of the path); a feature's own lanes are matched before the pages' one.

An upload's lane also takes its body's parsing off the loop (`parse_off_loop=True`): the body is read on
the loop (waiting for the network lets everything else run), then Werkzeug's multipart parser, pure
Python and tens of milliseconds for a phone's photo, runs in a thread beside it.
"""
import re
import tempfile
import threading

from flask import Flask, abort, current_app, request

PARSE_OFF_LOOP = "conference_app.parse_off_loop"  # the WSGI environ's key a lane sets for its requests
CHUNK = 256 * 1024
PAGES_WIDTH = 4


class _Lanes:
    """WSGI middleware: requests matching a lane wait for one of its places (threading's semaphore,
    which gevent makes cooperative in the server)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.lanes: list[tuple[str, re.Pattern, threading.BoundedSemaphore, bool]] = []
        self.live: set[str] = set()  # first path segments that never wait behind the school's pages
        self.pages = threading.BoundedSemaphore(PAGES_WIDTH)

    def is_page(self, method: str, path: str) -> bool:
        """A GET of the school's own pages: any path whose first segment no feature marked as live."""
        return method == "GET" and path.partition("/")[2].partition("/")[0] not in self.live

    def __call__(self, environ, start_response):
        method, path = environ.get("REQUEST_METHOD"), environ.get("PATH_INFO", "")
        for lane_method, pattern, places, parse_off_loop in self.lanes:
            if method == lane_method and pattern.fullmatch(path):
                environ[PARSE_OFF_LOOP] = parse_off_loop
                with places:
                    return self.wsgi_app(environ, start_response)
        if self.is_page(method, path):
            with self.pages:
                return self.wsgi_app(environ, start_response)
        return self.wsgi_app(environ, start_response)


def _lanes(app: Flask) -> _Lanes:
    if "lanes" not in app.extensions:
        app.extensions["lanes"] = _Lanes(app.wsgi_app)
        app.wsgi_app = app.extensions["lanes"]
    return app.extensions["lanes"]


def open(app: Flask, method: str, pattern: str, width: int = 2,  # (lanes.open reads well)
         parse_off_loop: bool = False) -> None:
    _lanes(app).lanes.append((method, re.compile(pattern), threading.BoundedSemaphore(width), parse_off_loop))


def keep_live(app: Flask, *segments: str) -> None:
    """Paths whose first segment is one of these ("live" for /live/…) are the live conference's (or a
    health check's): their GETs never wait behind the school's pages."""
    _lanes(app).live.update(segments)


def init_app(app: Flask) -> None:
    """Before any other extension's before_request (they read the form: CSRF, text cleaning)."""
    app.before_request(_parse_off_loop)
    keep_live(app, "static")  # Flask's own files (a phone's CSS and scripts)


def _parse_off_loop() -> None:
    """A lane's multipart body: read here, parsed in a thread. No length or too long is left to Flask, which
    refuses it as it always does."""
    environ = request.environ
    length = request.content_length
    if (not environ.get(PARSE_OFF_LOOP) or not _serving_with_gevent() or request.mimetype != "multipart/form-data"
            or not length or length > (request.max_content_length or length)):
        return
    body = tempfile.SpooledTemporaryFile(max_size=CHUNK)
    source, left = environ["wsgi.input"], length
    while left > 0:
        chunk = source.read(min(CHUNK, left))
        if not chunk:
            break
        body.write(chunk)
        left -= len(chunk)
    if left > 0:  # the phone went away mid-upload (Flask says the same)
        body.close()
        abort(400)
    body.seek(0)
    environ["wsgi.input"] = body  # (read by the request's stream, not touched before this hook)
    try:
        off_loop(_parse, current_app._get_current_object(), request._get_current_object())
    finally:
        body.close()  # (the parsed files are the parser's own)


def _parse(app: Flask, this_request) -> None:
    """In the thread: the app's context for its limits (MAX_CONTENT_LENGTH, form sizes), not the request's
    (popping a copy of that would close the uploaded files)."""
    with app.app_context():
        this_request.files  # noqa: B018  (parses the form and the files, kept on the request)


def _serving_with_gevent() -> bool:
    from gevent import monkey

    return monkey.is_module_patched("socket")


def off_loop(call, *args):
    """Run a blocking or CPU-heavy call (a file copy, a password hash, compressing a file, parsing an
    upload) in gevent's thread pool when serving with gevent, so the loop keeps turning; else here."""
    if _serving_with_gevent():
        from gevent import get_hub

        return get_hub().threadpool.apply(call, args)
    return call(*args)
