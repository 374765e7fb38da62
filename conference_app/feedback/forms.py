"""The forms of feedback, the coach panel and the family's closing form (WTForms, like every form).

Their validators say what `service` says (`text.Cleaned`, `service.clean_action`), so a refused field
shows the same message whether the form or the service caught it; the service checks again.
"""
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from ..text import Cleaned, InputError
from . import service


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(str(value), label) for value, label in labels.items()]


class FeedbackForm(FlaskForm):
    kind = RadioField(_l("Send a message about the slide on your screen"), choices=_choices(service.KIND_LABELS),
                      default="question", validate_choice=False)
    body = TextAreaField(_l("Your message"), id="feedback-body", validators=[Cleaned(service.MAX_BODY, _l("message"))],
                         render_kw={"rows": 3})
    client_key = HiddenField(render_kw={"data-client-key": True})
    position = HiddenField(render_kw={"data-position": True})

    def validate_kind(self, field):
        if field.data not in service.KIND_LABELS:
            raise ValidationError(_("Choose what kind of message this is: a question, a comment, praise or a "
                                  "suggestion."))


class NotesForm(FlaskForm):
    body = TextAreaField(_l("Private notes"), id="notes", validators=[Cleaned(20000, _l("notes"), required=False)],
                         render_kw={"rows": 8})


def _by(clean):
    """A validator that asks the service's cleaner, with its message."""
    def check(_form, field):
        try:
            clean(field.data)
        except InputError as e:
            raise ValidationError(str(e)) from None
    return check


class ActionForm(FlaskForm):
    text = StringField(_l("New action"), id="action-new", validators=[Cleaned(500, _l("action"))],
                       render_kw={"autocomplete": "off"})
    owner = SelectField(_l("Who"), choices=_choices(service.OWNER_LABELS), validate_choice=False,
                        validators=[_by(service.clean_owner)])
    due_on = StringField(_l("By"), validators=[_by(service.clean_due)], render_kw={"type": "date"})


class ClosingForm(FlaskForm):
    stood_out = TextAreaField(_l("What stood out for you today?"), id="stood_out",
                              validators=[Cleaned(1000, _l("answer about what stood out"), required=False)],
                              render_kw={"rows": 3})
    question = TextAreaField(_l("One question you still have"), id="question",
                             validators=[Cleaned(1000, _l("question"), required=False)], render_kw={"rows": 3})
    support = TextAreaField(_l("How will you support the student’s goals?"), id="support",
                            validators=[Cleaned(1000, _l("answer about how you will help"), required=False)],
                            render_kw={"rows": 3})
