from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms import HiddenField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..models import MAX_ID
from .slides import STRUCTURE_KINDS


class NewPresentationForm(FlaskForm):
    title = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)],
                        description=_l("For example: Spring e-Portfolio day"))
    start = RadioField(_l("Start from"), default="template", choices=[
        SelectChoice("template",
                     _l("The conference agenda: welcome, learning targets, work, goals, questions, actions")),
        SelectChoice("blank", _l("A blank presentation")),
    ])


class TitleForm(FlaskForm):
    title = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])


class SlideForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=200)],
                        description=_l("Shown to the audience. Leave empty to use the work's title."))
    body = TextAreaField(_l("Text on the slide"), validators=[Length(max=5000)])
    prompt = StringField(_l("A prompt for your audience (optional)"), validators=[Length(max=300)],
                         description=_l("For example: Ask me how I made this"))
    talking_points = TextAreaField(_l("Talking points (only you see these)"), validators=[Length(max=5000)],
                                   description=_l("Notes to help you speak. The audience never sees them."))
    minutes = IntegerField(_l("Minutes"), validators=[Optional(), NumberRange(min=0, max=60)])
    seconds = IntegerField(_l("Seconds"), validators=[Optional(), NumberRange(min=0, max=59)])

    def duration(self) -> int | None:
        if self.minutes.data is None and self.seconds.data is None:
            return None
        return (self.minutes.data or 0) * 60 + (self.seconds.data or 0)


class AddSlideForm(FlaskForm):
    kind = StringField(validators=[DataRequired()])
    item_id = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_ID)])

    def structure_kind(self) -> bool:
        return self.kind.data in STRUCTURE_KINDS


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Rehearsal comment"), validators=[DataRequired(), Length(max=2000)],
                         description=_l("The student sees this while editing. The audience never does."))


class OrderForm(FlaskForm):
    """Either `ids` (the full order the client saw) or `slide` + `to` (one move)."""

    slide = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
    to = IntegerField(validators=[Optional(), NumberRange(min=0, max=MAX_ID)])
    seen = HiddenField()
