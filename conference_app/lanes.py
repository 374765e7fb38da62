"""Keeping the event loop free: requests that a whole room of phones sends at once, handled a few at a
time (lanes), and blocking or CPU-heavy calls run in a thread beside the loop (`off_loop`).

Under gevent every request shares one event loop. When 300 phones send feedback in the same second,
starting all 300 at once (cookie session, CSRF check, rate limit, database write, render, push)
stalled every slide change for seconds. A lane lets `width` such requests run at once in a process
and keeps the rest waiting before any of that work starts, so the loop keeps turning: a slide change
waits for a couple of messages at most, and each phone still gets its answer within seconds.

A feature opens a lane for its own routes in its `init_app`: `lanes.open(app, "POST", pattern, width)`
(feedback for its messages; the portfolio for uploads, whose bodies are parsed on the loop).
"""
import re
import threading

from flask import Flask


class _Lanes:
    """WSGI middleware: requests matching a lane wait for one of its places (threading's semaphore,
    which gevent makes cooperative in the server)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.lanes: list[tuple[str, re.Pattern, threading.BoundedSemaphore]] = []

    def __call__(self, environ, start_response):
        method, path = environ.get("REQUEST_METHOD"), environ.get("PATH_INFO", "")
        for lane_method, pattern, places in self.lanes:
            if method == lane_method and pattern.fullmatch(path):
                with places:
                    return self.wsgi_app(environ, start_response)
        return self.wsgi_app(environ, start_response)


def open(app: Flask, method: str, pattern: str, width: int = 2) -> None:  # (lanes.open reads well)
    if "lanes" not in app.extensions:
        app.extensions["lanes"] = _Lanes(app.wsgi_app)
        app.wsgi_app = app.extensions["lanes"]
    app.extensions["lanes"].lanes.append((method, re.compile(pattern), threading.BoundedSemaphore(width)))


def off_loop(call, *args):
    """Run a blocking or CPU-heavy call (a file copy, a password hash, compressing a file) in gevent's thread
    pool when serving with gevent, so the loop keeps turning; else here."""
    from gevent import get_hub, monkey

    if monkey.is_module_patched("socket"):
        return get_hub().threadpool.apply(call, args)
    return call(*args)
