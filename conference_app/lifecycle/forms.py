from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, widgets
from wtforms.validators import DataRequired


class ChooseForm(FlaskForm):
    """Which students to list: a tutor group, the students who left, or everyone (a GET form)."""

    class Meta:
        csrf = False

    group = SelectField(_l("Show"), default="left")


class PurgeForm(FlaskForm):
    """The students to purge; without `confirm`, a preview of what would go."""

    students = SelectMultipleField(_l("Students"), coerce=int, widget=widgets.ListWidget(prefix_label=False),
                                   option_widget=widgets.CheckboxInput(),
                                   validators=[DataRequired(_l("Choose at least one student."))])
    confirm = BooleanField(_l("I have exported what should be kept. Delete all of it for good."))


class ExportForm(FlaskForm):
    """Start an export job for the chosen students."""

    students = SelectMultipleField(_l("Students"), coerce=int,
                                   validators=[DataRequired(_l("Choose at least one student."))])
