from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms.fields.choices import SelectChoice
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Length, Optional, ValidationError

from ..models import ItemKind, Visibility

# Who can see a piece of work: one set of words, in the form and on the badges (visibility_name).
VISIBILITY_NAMES = {Visibility.PRIVATE.value: _l("Only me"), Visibility.COACH.value: _l("Me and my coach"),
                    Visibility.SHAREABLE.value: _l("Can be shown at my conference")}
VISIBILITY_CHOICES = [SelectChoice(value, name) for value, name in VISIBILITY_NAMES.items()]
# The description's label says what is described.
DESCRIBE_LABELS = {ItemKind.IMAGE: _l("Describe the picture"), ItemKind.VIDEO: _l("Describe the video"),
                   ItemKind.AUDIO: _l("Describe the recording"), ItemKind.DOCUMENT: _l("Describe the document")}


def visibility_name(value: str) -> str:
    return str(VISIBILITY_NAMES.get(value, value))


def with_scheme(value):
    """'scratch.mit.edu/projects/123' -> 'https://scratch.mit.edu/projects/123' (an address typed without it)."""
    value = (value or "").strip()
    if value and "://" not in value:
        value = "https://" + value.lstrip("/")
    return value


class ItemForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    reflection = TextAreaField(
        _l("Reflection"), validators=[Length(max=5000)],
        description=_l("What are you proud of? What was hard? What did you learn?"))
    alt_text = StringField(
        _l("Describe the picture"), validators=[Length(max=500)],
        description=_l("Read aloud to people who cannot see it, and shown if it cannot load."))
    subject = StringField(_l("Subject"), validators=[Length(max=80)],
                          render_kw={"placeholder": _l("For example: Science")})
    tags = StringField(_l("Tags"), validators=[Length(max=300)],
                       description=_l("Separate them with commas, for example: proud, teamwork"))
    made_on = DateField(_l("Date"), validators=[Optional()])
    visibility = SelectField(_l("Who can see it"), choices=VISIBILITY_CHOICES, default=Visibility.COACH.value)
    shows_children = BooleanField(
        _l("This shows other children"),
        description=_l("A coach must approve it before it appears on anyone's phone."))
    body = TextAreaField(_l("Your writing"), validators=[Length(max=50000)],
                         description=_l("You can use Markdown: **bold**, *italic*, # headings, - lists."))
    url = URLField(_l("Web address"), filters=[with_scheme],
                   validators=[Optional(), URL(require_tld=False, message=_l(
                       "This does not look like a web address. Write it like scratch.mit.edu/projects/123.")),
                       Length(max=2000)])

    def validate_url(self, field):
        if field.data and not field.data.strip().lower().startswith(("https://", "http://")):
            raise ValidationError(_("The address must start with https:// or http://"))


def tag_list(raw: str) -> list[str]:
    """'Proud, teamwork , proud' -> ['proud', 'teamwork']"""
    seen = []
    for tag in (raw or "").split(","):
        tag = " ".join(tag.split()).lower()[:40]
        if tag and tag not in seen:
            seen.append(tag)
    return seen[:20]


class UploadForm(FlaskForm):
    """Files to add; each is judged by its content (media.pipeline), not here. The upload script sends one
    file per request; without JavaScript the form sends them all."""
    files = MultipleFileField(_l("Choose files"), id="upload-files")


class DeleteForm(FlaskForm):
    """Deleting an item: the button of the delete dialog (the choices of other features travel with it)."""
