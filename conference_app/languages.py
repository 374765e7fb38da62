"""The language a page is written in: Flask-Babel, with the reader's choice or their browser's.

Strings a person reads go through gettext: `_()` in Python (`lazy_gettext` for forms and module-level
text) and `{{ _("…") }}` in templates. Catalogs are under `conference_app/translations/`.
"""
from flask import Flask, request
from flask_babel import Babel, format_date, format_datetime

# Languages with a catalog, each in its own name; English is the source language.
LANGUAGES = {"en": "English"}
DEFAULT = "en"

babel = Babel()


def selected() -> str:
    """The reader's language: their browser's best match among the catalogs, else English."""
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT) if request else DEFAULT


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    babel.init_app(app, locale_selector=selected, timezone_selector=lambda: app.config["TIMEZONE"])
    app.add_template_global(format_date)
    app.add_template_global(format_datetime)
