from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, FieldList, HiddenField, IntegerField, RadioField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, InputRequired

from ..text import Cleaned
from . import framework


class CompetencyForm(FlaskForm):
    group = StringField(_l("Group"), validators=[Cleaned(framework.NAME, _l("group"))],
                        render_kw={"placeholder": _l("For example: Communication")})
    name = StringField(_l("Competency or learning target"), validators=[Cleaned(framework.NAME, _l("name"))])
    description = StringField(_l("“I can…” statement"), validators=[Cleaned(framework.STATEMENT, _l("statement"),
                                                                              required=False)],
                              render_kw={"placeholder": _l("I can explain my thinking to others.")})


class ScaleForm(FlaskForm):
    steps = FieldList(StringField(_l("Step"), validators=[Cleaned(40, _l("step name"))]), min_entries=1)


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[DataRequired(_l("Choose a CSV file."))],
                     description=_l("Columns: group, competency, I can. The first line names them."))


class ConfirmImportForm(FlaskForm):
    """Step 2 of an import: the previewed file's text again (nothing is kept on the server between the two
    steps) and the digest of the preview, so that a file or a framework that changed since is noticed."""

    text = HiddenField(validators=[DataRequired()])
    digest = HiddenField(validators=[DataRequired()])


class AssessForm(FlaskForm):
    competency_id = SelectField(_l("Competency"), coerce=int, validators=[InputRequired(_l("Choose a competency."))])
    step_id = RadioField(_l("Where am I?"), coerce=int, validators=[InputRequired(_l("Choose a step of the scale."))])
    why = TextAreaField(_l("Why?"), validators=[Cleaned(1000, _l("reason"), required=False)],
                        description=_l("One sentence is enough: what in this work shows it?"),
                        render_kw={"rows": 2})


class VersionForm(FlaskForm):
    earlier_id = SelectField(_l("This is a new version of"), coerce=int,
                             validators=[InputRequired(_l("Choose the earlier version."))])
    changed = TextAreaField(_l("What changed?"), validators=[Cleaned(1000, _l("what changed"), required=False)],
                            render_kw={"rows": 2})


class VoiceForm(FlaskForm):
    file = FileField(_l("Or choose a sound file"), validators=[DataRequired(_l("Record or choose a sound file."))])


def voice_form(field_id: str = "file", label: str = "", **kwargs) -> VoiceForm:
    """A VoiceForm whose file field has this id (and label), so that several recorders can share one page."""
    form = VoiceForm(**kwargs)
    form.file.id = form.file.label.field_id = field_id
    if label:
        form.file.label.text = label
    return form


class OnSlideForm(FlaskForm):
    on_slide = BooleanField(_l("Play it on my slides"))


class GoalCompetencyForm(FlaskForm):
    competency_id = SelectField(_l("Competency"), coerce=int, validate_choice=True)


class GrowthSlideForm(FlaskForm):
    competency_id = IntegerField(validators=[InputRequired()])


class ThenNowSlideForm(FlaskForm):
    item_id = IntegerField(validators=[InputRequired()])

