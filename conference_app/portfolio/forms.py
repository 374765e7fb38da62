from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms.fields.choices import SelectChoice
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Length, Optional, ValidationError

from ..models import Visibility

VISIBILITY_CHOICES = [
    SelectChoice(Visibility.PRIVATE.value, "Only me"),
    SelectChoice(Visibility.COACH.value, "Me and my coach"),
    SelectChoice(Visibility.SHAREABLE.value, "Can be shown at my conference"),
]


class ItemForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    reflection = TextAreaField(
        "Reflection", validators=[Length(max=5000)],
        description="What are you proud of? What was hard? What did you learn?")
    alt_text = StringField(
        "Describe the picture", validators=[Length(max=500)],
        description="Read aloud to people who cannot see it, and shown if it cannot load.")
    subject = StringField("Subject", validators=[Length(max=80)], render_kw={"placeholder": "For example: Science"})
    tags = StringField("Tags", validators=[Length(max=300)],
                       description="Separate them with commas, for example: proud, teamwork")
    made_on = DateField("Date", validators=[Optional()])
    visibility = SelectField("Who can see it", choices=VISIBILITY_CHOICES, default=Visibility.COACH.value)
    shows_children = BooleanField(
        "This shows other children",
        description="A coach must approve it before it appears on anyone's phone.")
    body = TextAreaField("Your writing", validators=[Length(max=50000)],
                         description="You can use Markdown: **bold**, *italic*, # headings, - lists.")
    url = URLField("Web address", validators=[Optional(), URL(require_tld=False), Length(max=2000)])

    def validate_url(self, field):
        if field.data and not field.data.strip().lower().startswith(("https://", "http://")):
            raise ValidationError("The address must start with https:// or http://")


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
    files = MultipleFileField("Choose files", id="upload-files")


class DeleteForm(FlaskForm):
    """Deleting an item: the button of the delete dialog (the choices of other features travel with it)."""
