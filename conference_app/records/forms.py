from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from ..text import Cleaned


class ReflectionForm(FlaskForm):
    body = TextAreaField(_l("How did your conference go? What will you do next?"), id="reflection-body",
                         validators=[Cleaned(5000, _l("reflection"), required=False)], render_kw={"rows": 6})
