from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms.fields.choices import SelectChoice
from wtforms import HiddenField, PasswordField, SelectField, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, Length, Regexp

from ..languages import ROLE_NAMES
from ..models import Role
from ..text import Name


class UserForm(FlaskForm):
    display_name = StringField(_l("Full name"), validators=[DataRequired(), Name(120)])
    username = StringField(_l("Username"), validators=[
        DataRequired(), Length(min=2, max=64),
        Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Letters, digits, dots, dashes and underscores only.")),
    ], render_kw={"autocapitalize": "none"})
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, ROLE_NAMES[r.value]) for r in Role])
    password = PasswordField(_l("First password"), validators=[DataRequired(), Length(min=8, max=256)],
                             description=_l("At least 8 characters. Share it with the person privately."),
                             render_kw={"autocomplete": "new-password"})


class CoachesForm(FlaskForm):
    coaches = SelectMultipleField(_l("Coaches"), coerce=int,
                                  widget=widgets.ListWidget(prefix_label=False),
                                  option_widget=widgets.CheckboxInput())


class ImportForm(FlaskForm):
    """Step 1: the CSV file, for a preview."""

    file = FileField(_l("CSV file"), validators=[FileRequired(message=_l("Choose the CSV file to import."))],
                     description=_l("One person per line: name, username or email, role, group, coach. "
                                 "See the example file."),
                     render_kw={"accept": ".csv,text/csv"})


class ConfirmImportForm(FlaskForm):
    """Step 2: the same file's text again (nothing is kept on the server between the two steps)."""

    text = HiddenField(validators=[DataRequired()])
