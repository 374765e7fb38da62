from flask_wtf import FlaskForm
from wtforms import TextAreaField

from ..text import Cleaned


class ReflectionForm(FlaskForm):
    body = TextAreaField("How did your conference go? What will you do next?", id="reflection-body",
                         validators=[Cleaned(5000, "reflection", required=False)], render_kw={"rows": 6})
