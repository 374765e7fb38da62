from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..models import AudienceRole
from ..text import Name

NAME_LIMIT = 60

ROLE_CHOICES = [SelectChoice(AudienceRole.FAMILY.value, "Family"),
                SelectChoice(AudienceRole.GOVERNOR.value, "Governor"),
                SelectChoice(AudienceRole.GUEST.value, "Guest")]


class JoinForm(FlaskForm):
    name = StringField("Your name", validators=[DataRequired(message="Please tell us your name."), Name(NAME_LIMIT)],
                       render_kw={"autocomplete": "name"},
                       description=f"The student sees this name, for example “Grandma Rose” or “Dad” "
                                   f"(up to {NAME_LIMIT} characters).")
    role = RadioField("You are", choices=ROLE_CHOICES, default=AudienceRole.FAMILY.value)


class CodeForm(FlaskForm):
    code = StringField("Conference code", validators=[DataRequired(), Length(max=32)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                                  "inputmode": "text", "placeholder": "ABCD EFGH"})
