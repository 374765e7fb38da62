"""The domain as SQLModel tables (the README's "How it is built" names the features that own them).

Choices are stored as short strings (not database enums) so that migrations stay
plain on SQLite and PostgreSQL alike; the StrEnum classes are the vocabulary.
"""
from datetime import UTC, date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def fk(target: str, *, nullable: bool = False, ondelete: str = "CASCADE", index: bool = True):
    """A foreign key column that follows its parent on delete."""
    return Field(
        default=None,
        sa_column=Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index),
    )


class Role(StrEnum):
    STUDENT = "student"
    COACH = "coach"
    ADMIN = "admin"


class Visibility(StrEnum):
    PRIVATE = "private"
    COACH = "coach"
    SHAREABLE = "shareable"


class ItemKind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"
    DOCUMENT = "document"
    WRITING = "writing"
    LINK = "link"


class User(UserMixin, SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(max_length=120)
    password_hash: str = Field(max_length=256)
    role: str = Field(max_length=16, default=Role.STUDENT)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)
    tutor_group_id: int | None = fk("tutorgroup.id", nullable=True, ondelete="SET NULL")
    # Set by a reset (a one-time password) or an import: the next sign-in must choose a new password.
    must_change_password: bool = Field(default=False)

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated accounts cannot sign in
        return self.active

    @property
    def is_student(self) -> bool:
        return self.role == Role.STUDENT

    @property
    def is_coach(self) -> bool:
        return self.role == Role.COACH

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class TutorGroup(SQLModel, table=True):
    """A class or tutor group, imported with the accounts."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60, unique=True, index=True)


class PasswordToken(SQLModel, table=True):
    """A one-time link to choose a password (first sign-in after an import): only its SHA-256 is kept."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("user.id")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    expires_at: datetime
    created_at: datetime = Field(default_factory=utcnow)


class CoachAssignment(SQLModel, table=True):
    """A coach follows a student."""

    __table_args__ = (UniqueConstraint("coach_id", "student_id"),)
    id: int | None = Field(default=None, primary_key=True)
    coach_id: int = fk("user.id")
    student_id: int = fk("user.id")


class PortfolioItem(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = fk("user.id")
    kind: str = Field(max_length=16)
    title: str = Field(max_length=200)
    reflection: str = Field(default="", max_length=5000)
    alt_text: str = Field(default="", max_length=500)
    subject: str = Field(default="", max_length=80)
    made_on: date = Field(default_factory=date.today)
    visibility: str = Field(max_length=16, default=Visibility.COACH)
    shows_children: bool = Field(default=False)
    approved_by_id: int | None = fk("user.id", nullable=True, ondelete="SET NULL", index=False)
    approved_at: datetime | None = None
    body: str = Field(default="", max_length=50000)  # writing, in Markdown
    url: str = Field(default="", max_length=2000)  # link
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def needs_approval(self) -> bool:
        return self.shows_children and self.approved_at is None

    @property
    def audience_safe(self) -> bool:
        """May this item appear on an audience phone?"""
        return self.visibility == Visibility.SHAREABLE and not self.needs_approval


class ItemTag(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("item_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = fk("portfolioitem.id")
    name: str = Field(max_length=40, index=True)


class MediaFile(SQLModel, table=True):
    """A stored file of an item: the original (cleaned) and its derived variants.

    variant is one of: original, thumb, phone, projector, page (with page number).
    """

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = fk("portfolioitem.id")
    variant: str = Field(max_length=16)
    page: int | None = None
    path: str = Field(max_length=300)  # relative to MEDIA_ROOT
    mime: str = Field(max_length=80)
    size: int = 0
    width: int | None = None
    height: int | None = None


class SlideKind(StrEnum):
    ITEM = "item"  # a portfolio item (or one page of a PDF)
    TITLE = "title"  # title / welcome
    AGENDA = "agenda"
    SECTION = "section"
    GOALS = "goals"  # shows the student's current goals
    QUESTIONS = "questions"  # questions for you (the audience)


class Presentation(SQLModel, table=True):
    """A student's ordered playlist of slides for one e-Portfolio day."""

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = fk("user.id")
    title: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Slide(SQLModel, table=True):
    """A position in a presentation: a portfolio item or a structure slide.

    talking_points are for the presenter only and never reach an audience.
    """

    id: int | None = Field(default=None, primary_key=True)
    presentation_id: int = fk("presentation.id")
    position: int = Field(default=0)
    kind: str = Field(max_length=16, default=SlideKind.ITEM)
    item_id: int | None = fk("portfolioitem.id", nullable=True)
    page: int | None = None  # one page of a PDF item
    title: str = Field(default="", max_length=200)
    body: str = Field(default="", max_length=5000)  # text of a structure slide
    talking_points: str = Field(default="", max_length=5000)
    prompt: str = Field(default="", max_length=300)  # to the audience: "Ask me how I made this"
    duration_seconds: int | None = None


class RehearsalComment(SQLModel, table=True):
    """A coach's comment on a slide of a draft presentation."""

    id: int | None = Field(default=None, primary_key=True)
    slide_id: int = fk("slide.id")
    author_id: int = fk("user.id")
    body: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)


class GoalStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class Goal(SQLModel, table=True):
    """A goal on a student's goal list (shown by a goals slide)."""

    id: int | None = Field(default=None, primary_key=True)
    student_id: int = fk("user.id")
    text: str = Field(max_length=500)
    status: str = Field(max_length=16, default=GoalStatus.OPEN)
    due_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)


class ConferenceState(StrEnum):
    LOBBY = "lobby"
    LIVE = "live"
    ENDED = "ended"


class AudienceRole(StrEnum):
    FAMILY = "family"
    GOVERNOR = "governor"
    GUEST = "guest"
    COACH = "coach"  # only a signed-in coach of the student


class Conference(SQLModel, table=True):
    """One live run of a presentation.

    slide_order freezes the presentation's slide ids when the conference is created, so that
    editing the presentation meanwhile cannot move what the audience sees.
    """

    id: int | None = Field(default=None, primary_key=True)
    presentation_id: int = fk("presentation.id")
    owner_id: int = fk("user.id")
    code: str = Field(max_length=16, unique=True, index=True)
    state: str = Field(max_length=8, default=ConferenceState.LOBBY)
    position: int = 0
    seq: int = 0  # bumped on every change pushed to clients; clients ignore older ones
    # bumped when the work on its slides changes (edited, made private, approval withdrawn, deleted):
    # every process checks it before using the slides it rendered, so none serves withdrawn work
    deck_version: int = 0
    locked: bool = False
    show_feedback: bool = True  # participants see everyone's visible feedback
    slide_order: str = Field(default="", max_length=5000)  # comma-separated slide ids
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    ended_at: datetime | None = None

    @property
    def slide_ids(self) -> list[int]:
        return [int(i) for i in self.slide_order.split(",") if i]

    @property
    def is_open(self) -> bool:
        return self.state != ConferenceState.ENDED


class Participant(SQLModel, table=True):
    """Someone in a conference; the presenting student is not a participant."""

    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = fk("conference.id")
    display_name: str = Field(max_length=60)
    role: str = Field(max_length=16, default=AudienceRole.FAMILY)
    user_id: int | None = fk("user.id", nullable=True, ondelete="SET NULL")
    token: str = Field(max_length=48, unique=True, index=True)
    joined_at: datetime = Field(default_factory=utcnow)
    left_at: datetime | None = None
    removed: bool = False
    online: bool = False
    language: str = Field(max_length=16, default="en")  # their choice on the join page (languages.LANGUAGES)


class SlideVisit(SQLModel, table=True):
    """The presenter showed slide `position` from started_at until ended_at.

    The set of visited positions is what followers may browse back to; the durations
    give the time spent on each slide in the conference record.
    """

    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = fk("conference.id")
    position: int
    slide_id: int | None = fk("slide.id", nullable=True, ondelete="SET NULL", index=False)
    started_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None


# ---- feedback and the conference record -----------------------------------------------------------

class FeedbackKind(StrEnum):
    QUESTION = "question"
    COMMENT = "comment"
    PRAISE = "praise"  # "what impressed me"
    SUGGESTION = "suggestion"  # "next time you could..."


class Feedback(SQLModel, table=True):
    """A participant's question, comment, praise or suggestion, tied to the slide their phone was on.

    (participant_id, client_key) is unique: the phone makes the key once per message, so a double tap
    or a retry after a lost network stores it once. Hidden feedback never reaches an audience phone.
    """

    __table_args__ = (UniqueConstraint("participant_id", "client_key"),)
    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = fk("conference.id")
    participant_id: int = fk("participant.id")
    client_key: str = Field(max_length=64)
    position: int = 0  # the slide's position in the conference
    slide_id: int | None = fk("slide.id", nullable=True, ondelete="SET NULL", index=False)
    item_id: int | None = fk("portfolioitem.id", nullable=True, ondelete="SET NULL")
    kind: str = Field(max_length=16, default=FeedbackKind.COMMENT)
    body: str = Field(max_length=1000)
    answered: bool = False
    pinned: bool = False
    hidden: bool = False
    language: str = Field(max_length=16, default="en")  # the language it was written in (the author's choice)
    created_at: datetime = Field(default_factory=utcnow)


class ConferenceNote(SQLModel, table=True):
    """A coach's private notes on a conference (seen by that student and their coaches only)."""

    __table_args__ = (UniqueConstraint("conference_id", "author_id"),)
    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = fk("conference.id")
    author_id: int = fk("user.id", index=False)
    body: str = Field(default="", max_length=20000)
    updated_at: datetime = Field(default_factory=utcnow)


class ActionOwner(StrEnum):
    STUDENT = "student"
    FAMILY = "family"
    COACH = "coach"


class Action(SQLModel, table=True):
    """Something agreed in the conference, with who does it; a student's action is also a Goal."""

    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = fk("conference.id")
    owner: str = Field(max_length=16, default=ActionOwner.STUDENT)
    text: str = Field(max_length=500)
    due_on: date | None = None
    goal_id: int | None = fk("goal.id", nullable=True, ondelete="SET NULL", index=False)
    created_by_id: int | None = fk("user.id", nullable=True, ondelete="SET NULL", index=False)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class FamilyForm(SQLModel, table=True):
    """A family member's closing form: what stood out, one question, how they will support the goals."""

    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = fk("conference.id")
    participant_id: int = Field(sa_column=Column(Integer, ForeignKey("participant.id", ondelete="CASCADE"),
                                                 nullable=False, unique=True))
    stood_out: str = Field(default="", max_length=1000)
    question: str = Field(default="", max_length=1000)
    support: str = Field(default="", max_length=1000)
    updated_at: datetime = Field(default_factory=utcnow)


class ConferenceReflection(SQLModel, table=True):
    """The student's own reflection on the conference, part of its record."""

    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = Field(sa_column=Column(Integer, ForeignKey("conference.id", ondelete="CASCADE"),
                                                nullable=False, unique=True))
    body: str = Field(default="", max_length=5000)
    updated_at: datetime = Field(default_factory=utcnow)
