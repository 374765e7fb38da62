"""Free text from people: one way to clean it and one way to say what is wrong with it, for every feature."""
from flask_babel import gettext as _
from wtforms.validators import ValidationError


class InputError(ValueError):
    """Bad input or a step that is closed: a message for the person and an HTTP status."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


def clean_text(text: str | None, limit: int, what: str, required: bool = True) -> str:
    """The text with its ends trimmed and Windows line ends made plain; refused when empty (if required)
    or longer than `limit`."""
    text = (text or "").replace("\r\n", "\n").strip()
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
