from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..models import AudienceRole
from ..text import Name

NAME_LIMIT = 60

ROLE_CHOICES = [SelectChoice(AudienceRole.FAMILY.value, _l("Family")),
                SelectChoice(AudienceRole.GOVERNOR.value, _l("Governor")),
                SelectChoice(AudienceRole.GUEST.value, _l("Guest"))]


class JoinForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(message=_l("Please tell us your name.")),
                                                Name(NAME_LIMIT)],
                       render_kw={"autocomplete": "name"},
                       description=_l("The student sees this name, for example “Grandma Rose” or “Dad” "
                                      "(up to %(limit)s characters).", limit=NAME_LIMIT))
    role = RadioField(_l("You are"), choices=ROLE_CHOICES, default=AudienceRole.FAMILY.value)


class CodeForm(FlaskForm):
    code = StringField(_l("Conference code"), validators=[DataRequired(), Length(max=32)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                                  "inputmode": "text", "placeholder": "ABCD EFGH"})
