"""How a route answers, the same way everywhere (the htmx convention of base.html; the README describes it).

- A fragment is the page's own include: an htmx request gets the fragment alone, a plain one the page.
- After a change: htmx gets the fragment that replaces its target; a plain form post gets a flash and a 303.
- Every 4xx is swapped like an answer (base.html's htmx-config), so a refusal always carries a message:
  a route that re-renders its form with the errors answers that, into its own target; a refusal with no
  fragment of its own (and every `abort`) goes to the page's message area, `#messages` (base.html),
  with flask-htmx's `make_response(retarget=…, reswap=…)`; a plain request gets the error page.
"""
from pathlib import Path
from urllib.parse import urlsplit

from flask import Response, abort, current_app, flash, redirect, render_template, request, send_file
from flask_babel import gettext as _
from flask_htmx import make_response

from .extensions import htmx

MESSAGES = "#messages"  # the page's message area, in base.html


def fragment_or_page(fragment: str, page: str, status: int = 200, target: str | None = None,
                     **context) -> Response:
    """The fragment alone for htmx (when `target` is given: for a request aimed at that element); the page
    that includes it otherwise."""
    alone = htmx and (target is None or htmx.target == target)
    return make_response(render_template(fragment if alone else page, **context), status)


def changed(fragment: str, url: str, flash_message: str = "", status: int = 200, **context) -> Response:
    """After a change: the re-rendered fragment for htmx; a flash and a 303 to the page for a plain form."""
    if htmx:
        return make_response(render_template(fragment, **context), status)
    if flash_message:
        flash(flash_message, "error" if status >= 400 else "success")
    return redirect(url, code=303)


def refuse(status: int, text: str, title: str | None = None, target: str = MESSAGES) -> Response:
    """A 4xx with its message: into `target` (the page's message area unless a route names its own) for htmx,
    the error page otherwise."""
    title = title or _("That did not work")
    if htmx:
        return make_response(render_template("errors/_flash.html", title=title, text=text), status,
                             retarget=target, reswap="innerHTML")
    return make_response(render_template("errors/page.html", code=status, title=title, text=text), status)


def retarget(body, status: int, target: str, reswap: str = "outerHTML") -> Response:
    """An answer for another element than the one that asked (a list that changed under a stale row)."""
    return make_response(body, status, retarget=target, reswap=reswap)


def errors_of(form) -> str:
    """A refused form's messages in one line."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors)  # (lazy_gettext messages too)


def saved_answer(url: str, form=None, saved_at=None):
    """An autosaved form's answer: its status line for htmx ("Saved ✓", or why not, 422); a flash and the
    page otherwise."""
    error = errors_of(form) if form is not None else ""
    return changed("_saved.html", url, error or "Saved.", 422 if error else 200, error=error, saved_at=saved_at)


def local_path(target: str | None) -> str | None:
    """`target` if it is a path of this site ("/portfolio/?tag=x"), else None. Browsers drop tabs and line
    breaks from a URL and read a backslash as a slash ("/%09/evil.example" leaves the site): a control
    character, a backslash, a scheme or a host, and it is refused."""
    if not target or not target.startswith("/") or "\\" in target or not target.isprintable():
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path.startswith("//"):
        return None
    return target


def back_to(default: str) -> str:
    """Where a plain form post goes back to: the page it was sent from, when that is a page of this site
    (its path only); `default` otherwise."""
    sent_from = urlsplit(request.referrer or "")
    if sent_from.netloc != request.host:
        return default
    return local_path(sent_from.path + (f"?{sent_from.query}" if sent_from.query else "")) or default


def stored_file(relative: str, mime: str, cache: str = "private, max-age=3600", **kwargs) -> Response:
    """A file under MEDIA_ROOT, for whoever the caller has already let see it: conditional (ETag, Range),
    cached by that browser only (`cache`), a 404 if it has gone from the disk."""
    path = Path(current_app.config["MEDIA_ROOT"]) / relative
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=mime, conditional=True, max_age=0, **kwargs)
    response.headers["Cache-Control"] = cache
    return response
