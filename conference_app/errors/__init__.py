"""Readable error pages (and, for htmx and the upload script, a message for the page's message area)
instead of bare errors."""
from flask_babel import gettext as _, lazy_gettext as _l
from flask import Flask
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .. import answers

MESSAGES = {
    400: (_l("Something in that request was not right"), _l("Please go back and try again.")),
    403: (_l("That is not yours to open"), _l("You are signed in, but this page belongs to someone else.")),
    404: (_l("We could not find that"), _l("It may have been deleted, or the link is mistyped.")),
    405: (_l("That does not work here"), _l("Please go back and use the buttons on the page.")),
    413: (_l("That file is too large"), _l("The largest file you can add is %(limit)s MB. "
          "Try a shorter video, or a smaller photo.")),
    429: (_l("Too many tries"), _l("Please wait a minute and try again.")),
    500: (_l("Something went wrong on our side"), _l("Your work is safe. Please try again in a moment.")),
}


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        if e.response is not None:  # an answer made for this case (the feedback form back, with its text)
            return e.response
        return _render(app, e.code or 500, None)

    @app.errorhandler(CSRFError)
    def csrf_error(e: CSRFError):
        return _render(app, 400, _("This form has expired. Reload the page and send it again."))


def _render(app: Flask, code: int, detail: str | None):
    title, text = MESSAGES[code] if code in MESSAGES else (_("Error %(code)s", code=code), "")
    text = detail or str(text) % dict(limit=(app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024))
    return answers.refuse(code, text, title=title)
