from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from ..text import Cleaned


class ReflectionForm(FlaskForm):
    body = TextAreaField(_l("How did your conference go? What will you do next?"), id="reflection-body",
                         validators=[Cleaned(5000, _l("reflection"), required=False)], render_kw={"rows": 6})


class RedactForm(FlaskForm):
    """What a coach removes from one slide of a record."""

    part = RadioField(choices=[SelectChoice("picture", _l("The picture")), SelectChoice("text", _l("The text"))],
                      validators=[InputRequired(_l("Choose the picture or the text."))])


class DeleteFromRecordsForm(FlaskForm):
    """Part of an item's delete dialog when conference records hold a copy of it."""

    class Meta:
        csrf = False  # travels inside the portfolio's delete form, which carries the token

    records = RadioField(_l("In the conference records"), default="keep", choices=[
        SelectChoice("keep", _l("Keep the records’ copy: they still show it as the audience saw it")),
        SelectChoice("remove", _l("Remove it from the records too: they will say who removed it and when"))])
