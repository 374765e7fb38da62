"""The day's forms: the day itself (hours, spaces, groups, availability), the schedule's changes, the
student's slot, the family's answer."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, IntegerField, RadioField, SelectField, SelectMultipleField,
                     StringField, TextAreaField, TimeField, widgets)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..languages import LANGUAGES
from ..text import Cleaned

_TIME = r"([01]?\d|2[0-3])[:.]([0-5]\d)"
_RANGE = re.compile(rf"{_TIME}\s*[-–]\s*{_TIME}")


def minutes(t) -> int:
    return t.hour * 60 + t.minute


def parse_ranges(text: str) -> list[tuple[int, int]] | None:
    """ "09:00-12:00, 13:00-15:30" -> [(540, 720), (780, 930)]; None when it does not read as that."""
    found = []
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        m = _RANGE.fullmatch(part)
        if not m:
            return None
        a, b = int(m[1]) * 60 + int(m[2]), int(m[3]) * 60 + int(m[4])
        if b <= a:
            return None
        found.append((a, b))
    return found or None


def parse_spaces(text: str) -> list[tuple[str, int]]:
    """One space a line, "Room 4: 2" (holds 2 conferences at once; no number: 1)."""
    spaces, errors = [], []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        name, _sep, capacity = line.rpartition(":") if ":" in line else (line, "", "1")
        name, capacity = name.strip(), capacity.strip()
        if not name or not capacity.isdigit() or not 1 <= int(capacity) <= 20 or len(name) > 60:
            errors.append(str(_l("Line %(n)s: write a room and how many conferences it holds, like “Room 4: 2”.",
                                 n=n)))
            continue
        spaces.append((name, int(capacity)))
    if errors:
        raise ValidationError(" ".join(errors))
    return spaces


def parse_people_times(text: str) -> list[tuple[str, list[tuple[int, int]]]]:
    """One person (a coach's username, a family's key) a line, then their times: "ms.okafor 09:00-12:00"."""
    found, errors = [], []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        who, _sep, times = line.partition(" ")
        ranges = parse_ranges(times)
        if not who or ranges is None:
            errors.append(str(_l("Line %(n)s: write a name, then times like “09:00-12:00, 13:00-15:00”.", n=n)))
            continue
        found.append((who.strip().lower(), ranges))
    if errors:
        raise ValidationError(" ".join(errors))
    return found


class DayForm(FlaskForm):
    """An admin sets up the day."""

    name = StringField(_l("Name"), default="e-Portfolio day",
                       validators=[DataRequired(_l("Give the day a name.")), Length(max=120)])
    held_on = DateField(_l("Date"), validators=[InputRequired(_l("Choose the date."))])
    starts = TimeField(_l("First conference at"), validators=[InputRequired(_l("Say when the day starts."))])
    ends = TimeField(_l("Last conference ends by"), validators=[InputRequired(_l("Say when the day ends."))])
    slot_minutes = IntegerField(_l("Minutes per conference"), default=20,
                                validators=[InputRequired(_l("Say how long a conference is.")),
                                            NumberRange(5, 120, _l("Between 5 and 120 minutes."))])
    changeover_minutes = IntegerField(_l("Minutes between conferences"), default=5,
                                      validators=[InputRequired(_l("Say how long the changeover is.")),
                                                  NumberRange(0, 60, _l("Between 0 and 60 minutes."))])
    coach_capacity = IntegerField(_l("Conferences a coach attends at once"), default=1,
                                  validators=[InputRequired(_l("Say how many at once.")),
                                              NumberRange(1, 10, _l("Between 1 and 10."))])
    booking = BooleanField(_l("Families choose their time through their invitation (the rest are scheduled by "
                                 "the app)"))
    groups = SelectMultipleField(_l("Groups taking part"), coerce=int,
                                 widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput(),
                                 validators=[DataRequired(_l("Choose at least one group."))])
    spaces = TextAreaField(_l("Spaces"), description=_l("One room a line, with how many conferences it holds at "
                                                        "once: “Room 4: 2”."),
                           validators=[DataRequired(_l("Name at least one space.")), Length(max=5000)])
    coach_windows = TextAreaField(_l("Coaches’ availability"), validators=[Optional(), Length(max=20000)],
                                  description=_l("Only for coaches who are not there all day: one a line, their "
                                                 "username and times, “ms.okafor 09:00-12:00, 13:00-15:00”."))
    family_away = TextAreaField(_l("Families’ unavailability"), validators=[Optional(), Length(max=20000)],
                                description=_l("A family that cannot come at some times: its key and those times, "
                                               "“mensah 09:00-10:30”."))

    parsed_spaces: list = ()
    parsed_windows: list = ()  # (an empty field stops at Optional, before its validate_ method)
    parsed_away: list = ()

    def validate_ends(self, field):
        if self.starts.data and field.data and minutes(field.data) - minutes(self.starts.data) < 5:
            raise ValidationError(_l("The day must end after it starts."))

    def validate_spaces(self, field):
        self.parsed_spaces = parse_spaces(field.data or "")
        if not self.parsed_spaces:
            raise ValidationError(_l("Name at least one space."))

    def validate_coach_windows(self, field):
        self.parsed_windows = parse_people_times(field.data or "")

    def validate_family_away(self, field):
        self.parsed_away = parse_people_times(field.data or "")


class ScheduleForm(FlaskForm):
    start_again = BooleanField(_l("Start again (forget the moves made by hand)"))


class MoveForm(FlaskForm):
    starts = SelectField(_l("Time"), coerce=int)
    space = SelectField(_l("Space"), coerce=int)


class SwapForm(FlaskForm):
    a = SelectField(_l("Student"), coerce=int)
    b = SelectField(_l("with"), coerce=int)


class ShiftForm(FlaskForm):
    minutes = IntegerField(_l("Minutes (negative: earlier)"),
                           validators=[InputRequired(_l("Say by how many minutes.")),
                                       NumberRange(-240, 240, _l("Between -240 and 240 minutes."))])


class BookForm(FlaskForm):
    """A family chooses its time (a booking day)."""

    starts = RadioField(_l("Choose a time"), coerce=int, validators=[InputRequired(_l("Choose a time."))])


class SlotForm(FlaskForm):
    """The student: which presentation, and a few words for the family."""

    presentation = SelectField(_l("The presentation I will give"), coerce=int)
    message = TextAreaField(_l("A message to my family on the invitation"),
                            validators=[Optional(), Length(max=500), Cleaned(500, _l("message"), required=False)])


class FamilyForm(FlaskForm):
    """The family's answer to an invitation (no account)."""

    answer = RadioField(_l("Can you come?"), choices=[SelectChoice("coming", _l("Yes, we are coming")),
                                                       SelectChoice("cannot", _l("We cannot come")),
                                                       SelectChoice("other_time", _l("We need another time"))],
                        validators=[InputRequired(_l("Choose an answer."))])
    count = IntegerField(_l("How many of you?"), default=1, validators=[Optional(), NumberRange(1, 8, _l(
        "Between 1 and 8."))])
    who = SelectMultipleField(_l("Who is coming?"),
                              choices=[SelectChoice("parent", _l("Parent")), SelectChoice("carer", _l("Carer")),
                                       SelectChoice("grandparent", _l("Grandparent")),
                                       SelectChoice("other", _l("Someone else"))],
                              widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput())
    interpreter = SelectField(_l("Would you like an interpreter?"), validators=[Optional()])
    note = TextAreaField(_l("A note for the school (optional)"),
                         validators=[Optional(), Length(max=1000), Cleaned(1000, _l("note"), required=False)])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.answer.data == "coming" and not self.count.data and not self.count.errors:
            self.count.errors = [*self.count.errors, _l("Say how many of you are coming.")]
            return False
        return ok

    def set_languages(self, names):
        self.interpreter.choices = [SelectChoice("", _l("No, thank you"))] + [
            SelectChoice(c, names(c)) for c in LANGUAGES if c != "en"]


class FamilyEditForm(FlaskForm):
    """The admin edits a family: its name on the invitation, language, email."""

    display_name = StringField(_l("Name on the invitation"), validators=[Optional(), Length(max=120)],
                               description=_l("Empty: “Amara’s family”."))
    language = SelectField(_l("Language"), choices=[SelectChoice(c, c) for c in LANGUAGES])
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254)])

    def validate_email(self, field):
        if field.data and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", field.data.strip()):
            raise ValidationError(_l("This does not look like an email address."))
