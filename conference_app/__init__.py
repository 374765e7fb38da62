"""Live student-led conferences from a student's e-portfolio."""
from functools import lru_cache
from pathlib import Path

from flask import Flask, redirect, render_template, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from markupsafe import Markup
from werkzeug.routing import IntegerConverter

from . import clock, db, extend, lanes, languages, static_files, text
from .extensions import COMPRESS_MIMETYPES, compress, compress_text, csrf, htmx, limiter, login_manager
from .models import MAX_ID

ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=8)
def _static_text(path: Path, _mtime: float) -> Markup:
    return Markup(path.read_text(encoding="utf-8"))


class DatabaseId(IntegerConverter):
    """`<int:...>` in every route: only ids both databases can hold (PostgreSQL's integer), so an id past
    them is an ordinary 404, not an overflow in the driver."""

    def __init__(self, map, *args, **kwargs):  # (map: Werkzeug's own name for it)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class Sessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that a static file never saves one. Flask-Login reads the
    session after every request, so every response would carry `Vary: Cookie`; a static file is the same for
    everyone, and with that header a phone revalidates each file it prefetched on the join page (one round
    trip each) as soon as joining sets its cookie."""

    def save_session(self, app, session, response):
        if request.endpoint != "static":
            super().save_session(app, session, response)


def create_app(config: dict | None = None) -> Flask:
    """Build an app: defaults from the environment, then `config` (tests pass theirs)."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.url_map.converters["int"] = DatabaseId
    app.session_interface = Sessions()
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    from .config import from_environment

    app.config.update(from_environment(app.instance_path))
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 365 * 24 * 3600  # static files only (see _static_version)
    app.config.update(config or {})
    Path(app.config["MEDIA_ROOT"]).mkdir(parents=True, exist_ok=True)

    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESS_MIMETYPES)
    # Static files are streamed responses; Flask-Compress leaves gzip out of its streaming list by default,
    # but browsers on plain http (a school's LAN) offer only gzip and deflate.
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["zstd", "br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM", ["zstd", "br", "gzip"])
    lanes.init_app(app)  # (first: its before_request parses uploads before anything reads their form)
    db.init_app(app)
    clock.init_app(app)
    languages.init_app(app)
    text.init_app(app)
    extend.init_app(app)
    app.config["COMPRESS_REGISTER"] = False  # compress_text calls it, around what it must not touch
    compress.init_app(app)
    app.after_request(compress_text)
    static_files.init_app(app, app.config["COMPRESS_MIMETYPES"])
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    from . import (accounts, admin, auth, days, errors, feedback, goals, growth, lifecycle, links, live, media,
                   network, ops, portfolio, presentations, reactions, records)

    # (the order of a page's contributions at an extension point: reactions sit above the feedback form)
    for module in (auth, accounts, admin, portfolio, goals, presentations, live, growth, reactions, feedback, records,
                   links, lifecycle, days, media, ops, errors):
        module.init_app(app)
    app.add_template_global(network.join_problem, "join_problem")

    @app.after_request
    def _headers(response):
        """Same URL, two shapes (page or fragment): caches must key on HX-Request."""
        response.vary.add("HX-Request")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
            "style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; "
            "object-src 'none'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'",
        )
        return response

    @app.url_defaults
    def _static_version(endpoint, values):
        """Static URLs carry the file's version (?v=<mtime>), so phones may cache them for a year and
        a second page (the follower page after the join page) costs no request for them."""
        if endpoint == "static" and "filename" in values and "v" not in values:
            path = Path(app.static_folder) / values["filename"]
            if path.is_file():
                values["v"] = int(path.stat().st_mtime)

    @app.template_global()
    def static_text(filename: str) -> Markup:
        """A static file's text, to inline where one request less matters (the page a phone opens first)."""
        path = Path(app.static_folder) / filename
        return _static_text(path, path.stat().st_mtime)

    @app.template_global()
    def scripts(*filenames: str) -> Markup:
        """Deferred <script> tags for these static files, in this order (each page loads what it needs)."""
        return Markup("").join(Markup('<script src="{}" defer></script>\n').format(url_for("static", filename=f))
                               for f in dict.fromkeys(filenames))

    @app.get("/")
    def index():
        """The start page: the sign-in invitation, or each role's home."""
        if not current_user.is_authenticated:
            return render_template("home.html")
        if current_user.is_admin:
            return redirect(url_for("admin.users"))
        if current_user.is_coach:
            return redirect(url_for("portfolio.students"))
        return redirect(url_for("portfolio.mine"))

    from . import cli

    cli.init_app(app)
    ops.trust_proxies(app)  # last, so that it runs first: everything inside sees the phone's address
    return app
