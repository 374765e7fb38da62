"""Free text from people: one way to clean it and one way to say what is wrong with it, for every feature."""
import re
import unicodedata

from flask import Flask, Request, abort, request
from flask_babel import gettext as _
from markupsafe import Markup, escape
from werkzeug.datastructures import ImmutableMultiDict
from wtforms.validators import ValidationError

# NUL and the other control characters (tab and line breaks stay), and the bidirectional embeddings,
# overrides and isolates that make a name or a message read in another order than it was typed.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u034f\u061c\u180e]")


def without_controls(text: str) -> str:
    return _INVISIBLE.sub("", text)


class TextFromBrowsers(ImmutableMultiDict):
    """The `args` and `form` of every request, with `without_controls` applied to names and text values
    before any code reads them (PostgreSQL cannot store a NUL; a bidi override disguises a name).
    Uploaded files are left alone."""

    def __init__(self, mapping=None):
        if mapping is not None and not isinstance(mapping, dict):
            mapping = [(without_controls(k), without_controls(v) if isinstance(v, str) else v) for k, v in mapping]
        super().__init__(mapping)


class CleanRequest(Request):
    parameter_storage_class = TextFromBrowsers


def isolate(name) -> Markup:
    """A person's name set apart from the sentence around it (`<bdi>`), so that an Arabic name in an
    English sentence, or a Latin one in an Arabic sentence, keeps its own direction and does not carry the
    punctuation after it to the wrong end."""
    return Markup("<bdi>%s</bdi>") % escape(name)


def init_app(app: Flask) -> None:
    app.request_class = CleanRequest
    app.add_template_filter(isolate, "isolate")

    @app.before_request
    def _no_nul_in_paths():
        """A NUL in a URL's path (/live/%00) names nothing here; PostgreSQL would refuse to look it up."""
        if "\x00" in request.path:
            abort(404)


class InputError(ValueError):
    """Bad input or a step that is closed: a message for the person and an HTTP status."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


def clean_text(text: str | None, limit: int, what: str, required: bool = True) -> str:
    """The text with its ends trimmed and Windows line ends made plain; refused when empty (if required)
    or longer than `limit`."""
    text = without_controls((text or "").replace("\r\n", "\n")).strip()
    if required and not text:
        raise InputError(_("Please write your %(what)s.", what=what))
    if len(text) > limit:
        raise InputError(_("Please keep your %(what)s under %(limit)s characters (it has %(count)s).", what=what,
                           limit=limit, count=len(text)))
    return text


class Cleaned:
    """A WTForms validator that cleans the field with `clean_text` and says the same thing when it refuses."""

    def __init__(self, limit: int, what: str, required: bool = True):
        self.limit, self.what, self.required = limit, what, required
        self.field_flags = {"maxlength": limit, **({"required": True} if required else {})}

    def __call__(self, form, field):
        try:
            field.data = clean_text(field.data, self.limit, self.what, self.required)
        except InputError as e:
            raise ValidationError(str(e)) from None


def clean_name(name: str | None, limit: int) -> str:
    """A person's name as others will see it: trimmed, refused when it has no visible character (only
    spaces or zero-width characters) or is longer than `limit` (never cut silently)."""
    name = " ".join(without_controls(name or "").split())
    if not any(unicodedata.category(c)[0] in "LNPS" for c in _ZERO_WIDTH.sub("", name)):
        raise InputError(_("Please write a name others can read (not only spaces or invisible characters)."))
    if len(name) > limit:
        raise InputError(_("Please keep the name to %(limit)s characters (it has %(count)s).", limit=limit,
                           count=len(name)))
    return name


class Name(Cleaned):
    """A WTForms validator for a person's name (see `clean_name`); the limit shows at the field."""

    def __init__(self, limit: int):
        super().__init__(limit, "name")

    def __call__(self, form, field):
        try:
            field.data = clean_name(field.data, self.limit)
        except InputError as e:
            raise ValidationError(str(e)) from None
