from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..text import Cleaned


class ShareForm(FlaskForm):
    """A student shares a selection of their work with someone outside the school."""

    label = StringField(_l("Who is it for?"), validators=[DataRequired(_l("Say who the link is for.")),
                                                         Length(max=120), Cleaned(120, "name")],
                        description=_l("For example: Moderator, Sixth-form college, Work placement"))
    days = IntegerField(_l("Works for how many days?"), default=30,
                        validators=[InputRequired(_l("Say for how many days.")),
                                    NumberRange(1, 365, _l("Between 1 and 365 days."))])
    items = SelectMultipleField(_l("Which work?"), coerce=int, widget=widgets.ListWidget(prefix_label=False),
                                option_widget=widgets.CheckboxInput(),
                                validators=[DataRequired(_l("Choose at least one piece of work."))])


class LinkForm(FlaskForm):
    """The button that asks for a family's copy, or withdraws a link."""
