from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class GoalForm(FlaskForm):
    text = StringField(_l("New goal"), validators=[DataRequired(), Length(max=500)], id="goal-text",
                       description=_l("For example: Speak up in class at least once a day"),
                       render_kw={"autocomplete": "off"})
