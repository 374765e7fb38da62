"""Pages every phone of a conference gets alike, rendered once and filled in for each phone.

At nine o'clock a school's families join within a minute, and rendering the join page and the follower
page afresh for each of them was most of what a join cost the server. A shell is such a page rendered
once for everything it depends on (the conference and its state, the language, the address), with marks
where each phone's own parts go: its CSRF token, its name, its own feedback. Features use it for their
parts of the follower page too (feedback's panel).

Only pages for phones nobody is signed in on, with no message waiting for them, are shared (a signed-in
coach's page has their own header). The marks hold a NUL, which no stored text can (`text.py` strips
control characters from everything sent in). The cache is per process and keyed by everything the page
shows, so a change stored by another process gives a new key rather than a stale page.
"""
import threading

from cachetools import LRUCache
from flask import Flask, current_app, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from .. import languages

CSRF = "\x00csrf\x00"


def mark(name: str) -> Markup:
    """Where a phone's own part goes in a shell (`page(..., name=value)` puts it there)."""
    return Markup(f"\x00{name}\x00")


SIZE_BYTES = 32 * 1024 * 1024  # about a thousand pages


class Shells:
    def __init__(self):
        self.pages = LRUCache(maxsize=SIZE_BYTES, getsizeof=len)
        self.lock = threading.Lock()  # (the threading server of the tests; under gevent it never waits)
        self.renders = 0  # shells rendered so far (tests check a storm of joins renders few)

    def page(self, key: tuple, render) -> str:
        """The shell for `key`, rendered by `render()` the first time (marks in place of each phone's parts)."""
        key = (*key, request.path, languages.current())
        with self.lock:
            shell = self.pages.get(key)
        if shell is None:
            shell = render().replace(generate_csrf(), CSRF)
            self.renders += 1
            with self.lock:
                self.pages[key] = shell
        return shell


def init_app(app: Flask) -> None:
    app.extensions["live_shells"] = Shells()


def shareable() -> bool:
    """Whether this request may get a shared page: nobody signed in, no message waiting."""
    return not current_user.is_authenticated and not session.get("_flashes")


def page(key: tuple, render, **parts) -> str:
    """The page for this phone: the shared shell with its own CSRF token, and each `mark(name)` replaced by
    `parts[name]` (text is escaped; Markup goes in as it is)."""
    html = current_app.extensions["live_shells"].page(key, render).replace(CSRF, generate_csrf())
    for name, value in parts.items():
        html = html.replace(mark(name), str(escape(value)))
    return html
