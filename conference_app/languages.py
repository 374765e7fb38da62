"""The language a page is written in: Flask-Babel, with the reader's choice or their browser's.

Strings a person reads go through gettext: `_()` in Python (`lazy_gettext` for forms and module-level
text) and `{{ _("…") }}` in templates. Catalogs are under `conference_app/translations/`; `conference-app
translations` extracts, updates and compiles them (the .mo files are committed, so the app works straight
after `pip install -e .`; tests/test_translations.py fails when they are out of date with the code).

The choice: a `?lang=` on any page (the language menu) is kept in the session; a participant's language
is also stored on them (the presenter sees it, their feedback carries it, pushes are rendered in it).
Without a choice, the browser's `Accept-Language`.
"""
import json
from functools import cache

from babel import Locale
from flask import Flask, request, session
from flask_babel import Babel, format_date, format_datetime, get_locale, lazy_gettext as _l
from markupsafe import Markup

# Languages with a catalog; English is the source language. Chinese is Simplified (zh_Hans).
LANGUAGES = ["en", "ar", "bn", "zh_Hans", "fr", "pl", "pt", "pa", "ro", "so", "es", "uk", "ur"]
DEFAULT = "en"
RIGHT_TO_LEFT = {"ar", "ur"}
SESSION_KEY = "language"
# Browser tags that name a catalog under another code (werkzeug matches "zh-CN" to "zh").
_MATCH = {code.split("_")[0]: code for code in LANGUAGES}

# People's roles as the pages name them (the stored values are codes).
ROLE_NAMES = {"family": _l("Family"), "governor": _l("Governor"), "guest": _l("Guest"), "coach": _l("Coach"),
              "student": _l("Student"), "admin": _l("Admin")}
# Kinds of work, one of each (portfolio items).
KIND_NAMES = {"image": _l("Picture"), "video": _l("Video"), "audio": _l("Audio"), "document": _l("Document"),
              "writing": _l("Writing"), "link": _l("Link")}

# The scripts' messages (static/js), in the page's language: base.html carries them as a JSON block and
# app.js's `window.showcaseText(key, values)` reads them. %(name)s is filled in by the script. The
# audience's go on every page; the rest only on signed-in people's pages.
AUDIENCE_JS_MESSAGES = {
    "live": _l("Live"),
    "reconnecting": _l("Reconnecting…"),
    "feedback_not_sent": _l("Not sent: check your connection and tap Send again."),
}
STAFF_JS_MESSAGES = {
    "reconnecting_presenter": _l("Reconnecting… Slide changes are not sent until the connection is back."),
    # (the script picks _one for 1 and _other for more, as English and Spanish do)
    "back_online_missed_one": _l("Back online. The press made while offline was not sent: still on slide %(n)s."),
    "back_online_missed_other": _l("Back online. The %(count)s presses made while offline were not sent: "
                                   "still on slide %(n)s."),
    "offline_press": _l("Offline: that press was not sent. Slides move again when the connection is back."),
    "no_answer": _l("Not sent: no answer from the server."),
    "not_sent": _l("Not sent"),
    "slide_of": _l("Slide %(n)s of %(total)s: %(title)s"),
    "editing": _l("Editing…"),
    "saving": _l("Saving…"),
    "not_saved": _l("Not saved yet: no connection. Trying again…"),
    "uploading_file": _l("Uploading %(name)s"),
    "waiting": _l("Waiting…"),
    "uploading": _l("Uploading…"),
    "uploading_percent": _l("Uploading… %(percent)s"),
    "processing": _l("Processing…"),
    "added": _l("Added."),
    "add_title": _l("Add a title and reflection"),
    "upload_failed": _l("The upload failed (%(status)s)."),
    "connection_lost": _l("The connection was lost. Check your network and try again."),
    "too_large": _l("Too large: the limit is %(mb)s MB."),
}

babel = Babel()


def valid(code: str | None) -> str | None:
    return code if code in LANGUAGES else None


def from_browser() -> str:
    """The browser's best match among the catalogs, else English."""
    return _MATCH[request.accept_languages.best_match(list(_MATCH), default=DEFAULT)]


def selected() -> str:
    """The reader's language: the one chosen on this page or earlier in this browser, else the browser's."""
    if not request:
        return DEFAULT
    return valid(request.args.get("lang")) or valid(session.get(SESSION_KEY)) or from_browser()


def current() -> str:
    return str(get_locale() or DEFAULT)


@cache
def own_name(code: str) -> str:
    """A language in its own name ("العربية", "Polski"), for the menu. Cached, and made at start (init_app):
    reading Babel's data for thirteen locales costs a first visitor's page a second on a busy server."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def name(code: str | None) -> str:
    """A language in the reader's language ("Arabic" for an English reader), next to a participant's name."""
    if not valid(code):
        return ""
    return Locale.parse(code).get_display_name(get_locale() or DEFAULT) or code


def html_lang(code: str) -> str:
    return code.replace("_", "-")


def js_messages(messages: dict) -> Markup:
    """A page's JavaScript messages, already in its language, as JSON for a <script type="application/json">."""
    text = json.dumps({k: str(v) for k, v in messages.items()}, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _remember_choice() -> None:
    """A `?lang=` from the language menu stays with this browser for the pages that follow."""
    chosen = valid(request.args.get("lang"))
    if chosen and session.get(SESSION_KEY) != chosen:
        session[SESSION_KEY] = chosen


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    babel.init_app(app, locale_selector=selected, timezone_selector=lambda: app.config["TIMEZONE"])
    app.before_request(_remember_choice)
    app.add_template_global(format_date)
    app.add_template_global(format_datetime)
    choices = [(code, own_name(code)) for code in LANGUAGES]
    for code in LANGUAGES:  # Babel's data for each language, read now rather than by the first visitors
        Locale.parse(code).get_display_name(DEFAULT)

    @app.context_processor
    def language_context():
        code = current()
        return {"language": code, "html_lang": html_lang(code),
                "text_dir": "rtl" if code in RIGHT_TO_LEFT else "ltr",
                "language_choices": choices, "language_name": name,
                "js_messages": lambda staff=False: js_messages({**AUDIENCE_JS_MESSAGES,
                                                                **(STAFF_JS_MESSAGES if staff else {})}),
                "role_name": lambda role: ROLE_NAMES.get(str(role), role),
                "kind_name": lambda kind: KIND_NAMES.get(str(kind), kind),
                "format_date": format_date}
