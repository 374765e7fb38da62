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


MAX_ID = 2**31 - 1  # the largest id both databases hold (PostgreSQL's integer): past it, an id names nothing


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
    left_on: date | None = None  # the day a student left (deactivated): the retention period counts from it

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


class SignIn(SQLModel, table=True):
    """One signed-in browser: the session cookie carries its token (only the SHA-256 is kept here), so signing
    out, a new password or the lifetimes end it on the server, whatever cookie a browser kept."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("user.id")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    seen_at: datetime = Field(default_factory=utcnow)


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
    GROWTH = "growth"  # "my growth in …": one competency's self-assessments in time order (growth)
    THEN_NOW = "then_now"  # "then and now": the item (now) beside its earliest version (growth)


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
    me_too: int = 0  # how many other phones added themselves to this question (FeedbackMeToo: once each)
    language: str = Field(max_length=16, default="en")  # the language it was written in (the author's choice)
    created_at: datetime = Field(default_factory=utcnow)


class FeedbackMeToo(SQLModel, table=True):
    """A phone adding itself to another's question ("me too"): once per phone and question."""

    __table_args__ = (UniqueConstraint("feedback_id", "participant_id"),)
    id: int | None = Field(default=None, primary_key=True)
    feedback_id: int = fk("feedback.id")
    participant_id: int = fk("participant.id", index=False)


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


class ReactionCount(SQLModel, table=True):
    """How many of one reaction a slide of a conference received (never who sent them)."""

    __table_args__ = (UniqueConstraint("conference_id", "position", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = fk("conference.id")
    position: int
    kind: str = Field(max_length=16)
    count: int = 0


# ---- growth: the school's framework, self-assessment, versions of a work, spoken reflections -----------

def unique_fk(target: str, ondelete: str = "CASCADE"):
    """A required foreign key that at most one row may hold."""
    return Field(default=None, sa_column=Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=False,
                                                unique=True))


class ScaleStep(SQLModel, table=True):
    """One step of the school's scale, lowest first (emerging, developing, proficient, extending unless renamed)."""

    id: int | None = Field(default=None, primary_key=True)
    position: int = 0
    name: str = Field(max_length=40)


class CompetencyGroup(SQLModel, table=True):
    """A group of the framework (communication, thinking, personal and social...)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    position: int = 0


class Competency(SQLModel, table=True):
    """A competency or learning target, with its short "I can…" statement."""

    __table_args__ = (UniqueConstraint("group_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = fk("competencygroup.id")
    name: str = Field(max_length=120)
    description: str = Field(default="", max_length=300)
    position: int = 0


class SelfAssessment(SQLModel, table=True):
    """Where an item's evidence places its student on the scale of one competency, and why: the student's own
    (author = the student) or a coach's view beside it (author = the coach). Not a grade."""

    __table_args__ = (UniqueConstraint("item_id", "competency_id", "author_id"),)
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = fk("portfolioitem.id")
    competency_id: int = fk("competency.id")
    author_id: int = fk("user.id", index=False)
    step_id: int = fk("scalestep.id", ondelete="RESTRICT", index=False)
    why: str = Field(default="", max_length=1000)
    # the why, spoken: a sound file of the item (MediaFile variant "why"), gone with the assessment
    spoken_media_id: int | None = fk("mediafile.id", nullable=True, ondelete="SET NULL", index=False)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class GoalCompetency(SQLModel, table=True):
    """A goal (an action agreed in a conference included) tied to a competency."""

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = unique_fk("goal.id")
    competency_id: int = fk("competency.id")


class ItemVersion(SQLModel, table=True):
    """`item` is the next version of `earlier` (draft → second draft → final): a straight chain, each item
    with at most one earlier and one later version."""

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = unique_fk("portfolioitem.id")
    earlier_id: int = unique_fk("portfolioitem.id")
    changed: str = Field(default="", max_length=1000)  # what changed since the earlier version
    created_at: datetime = Field(default_factory=utcnow)


class SpokenReflection(SQLModel, table=True):
    """An item's reflection, spoken: a sound file of the item (MediaFile variant "voice")."""

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = unique_fk("portfolioitem.id")
    media_id: int = unique_fk("mediafile.id")
    on_slide: bool = False  # the student chose to play it on the item's slides
    created_at: datetime = Field(default_factory=utcnow)


class SlideCompetency(SQLModel, table=True):
    """The competency a "my growth in …" slide shows."""

    id: int | None = Field(default=None, primary_key=True)
    slide_id: int = unique_fk("slide.id")
    competency_id: int = fk("competency.id")


# ---- records that last, private links, the year-end purge -------------------------------------------------

class RecordSlide(SQLModel, table=True):
    """One slide of an ended conference as its audience saw it: the record's own copy, fixed at the end.

    Later edits, privacy changes or deletions of the work do not change it; only a removal does (the
    student's, when deleting the work, or a coach's redaction), and that leaves who and when.
    withheld: the audience did not see this work (private, or waiting for approval); only its title is kept.
    """

    __table_args__ = (UniqueConstraint("conference_id", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = fk("conference.id")
    position: int
    kind: str = Field(max_length=16)
    item_id: int | None = fk("portfolioitem.id", nullable=True, ondelete="SET NULL")
    item_kind: str = Field(default="", max_length=16)
    withheld: bool = False
    title: str = Field(default="", max_length=200)
    body: str = Field(default="", max_length=5000)  # the slide's own text
    prompt: str = Field(default="", max_length=300)
    writing: str = Field(default="", max_length=50000)  # a writing item's text (Markdown)
    url: str = Field(default="", max_length=2000)  # a link item's address
    listing: str = Field(default="", max_length=10000)  # an agenda's or goals slide's lines
    alt_text: str = Field(default="", max_length=500)
    text_removed_by: str = Field(default="", max_length=120)
    text_removed_at: datetime | None = None
    picture_removed_by: str = Field(default="", max_length=120)
    picture_removed_at: datetime | None = None
    work_removed_by: str = Field(default="", max_length=120)
    work_removed_at: datetime | None = None


class RecordFile(SQLModel, table=True):
    """A picture the record owns (a copy of the phone-size image or a PDF page image), under MEDIA_ROOT."""

    id: int | None = Field(default=None, primary_key=True)
    record_slide_id: int = fk("recordslide.id")
    page: int | None = None
    path: str = Field(max_length=300)
    mime: str = Field(max_length=80)
    width: int | None = None
    height: int | None = None


class LinkKind(StrEnum):
    FAMILY = "family"  # a family's copy of a conference
    SELECTION = "selection"  # a selection of work for an outside reader


class PrivateLink(SQLModel, table=True):
    """An expiring, withdrawable, read-only link; only the SHA-256 of its token is kept."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    kind: str = Field(max_length=16)
    student_id: int = fk("user.id")
    conference_id: int | None = fk("conference.id", nullable=True)
    participant_id: int | None = fk("participant.id", nullable=True)
    label: str = Field(default="", max_length=120)  # who it is for ("Moderator", "Sixth-form college")
    created_by_id: int | None = fk("user.id", nullable=True, ondelete="SET NULL", index=False)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    withdrawn_at: datetime | None = None


class PrivateLinkItem(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("link_id", "item_id"),)
    id: int | None = Field(default=None, primary_key=True)
    link_id: int = fk("privatelink.id")
    item_id: int = fk("portfolioitem.id")


class LinkOpening(SQLModel, table=True):
    """Each time a private link was opened (when only: no address, no device)."""

    id: int | None = Field(default=None, primary_key=True)
    link_id: int = fk("privatelink.id")
    opened_at: datetime = Field(default_factory=utcnow)


class AuditEntry(SQLModel, table=True):
    """Who exported, purged or erased what and when: counts, never names or other personal data."""

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = fk("user.id", nullable=True, ondelete="SET NULL", index=False)
    action: str = Field(max_length=32)
    summary: str = Field(default="", max_length=2000)  # JSON: counts
    created_at: datetime = Field(default_factory=utcnow)


class ExportJob(SQLModel, table=True):
    """An admin's export of a group of portfolios, built in the background: its progress and its ZIP."""

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = fk("user.id", nullable=True, ondelete="SET NULL", index=False)
    student_ids: str = Field(default="", max_length=20000)  # comma-separated
    total: int = 0
    done: int = 0
    state: str = Field(default="running", max_length=16)  # running, ready, failed
    path: str = Field(default="", max_length=300)  # the ZIP, relative to the exports folder
    created_at: datetime = Field(default_factory=utcnow)
    # While running: which run builds it and until when it holds it (renewed every few seconds); a job whose
    # lease ran out (its process stopped) is taken over by the next look at it.
    runner: str = Field(default="", max_length=32)
    lease_until: datetime | None = None
    restarts: int = 0  # how often it was taken over (the admin's page says it started again)

    @property
    def ids(self) -> list[int]:
        return [int(i) for i in self.student_ids.split(",") if i]


# ---- the e-Portfolio day: families, the day, its slots, the invitations ---------------------------------

class Family(SQLModel, table=True):
    """A household: the name an invitation is addressed to ("Amara's family"), its language, an optional
    email. Its students are siblings. Nothing else (no names of family members, no phone numbers)."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True, index=True)  # the school's own key (the CSV's family column)
    display_name: str = Field(max_length=120)
    language: str = Field(max_length=16, default="en")
    email: str = Field(default="", max_length=254)


class FamilyStudent(SQLModel, table=True):
    """A student of a family (a student is in at most one)."""

    id: int | None = Field(default=None, primary_key=True)
    family_id: int = fk("family.id")
    student_id: int = unique_fk("user.id")


class PortfolioDay(SQLModel, table=True):
    """A whole school's e-Portfolio day. Times are minutes after midnight on the school's clock."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    held_on: date
    starts_min: int = 9 * 60
    ends_min: int = 15 * 60
    slot_minutes: int = 20
    changeover_minutes: int = 5
    coach_capacity: int = 1  # conferences a coach attends at once
    booking: bool = False  # families choose their time through their invitation (the admin fills the rest)
    group_ids: str = Field(default="", max_length=2000)  # comma-separated tutor group ids
    created_at: datetime = Field(default_factory=utcnow)

    @property
    def groups(self) -> list[int]:
        return [int(i) for i in self.group_ids.split(",") if i]


class DaySpace(SQLModel, table=True):
    """A room of the day, and how many conferences it holds at once."""

    id: int | None = Field(default=None, primary_key=True)
    day_id: int = fk("portfolioday.id")
    name: str = Field(max_length=60)
    capacity: int = 1
    position: int = 0


class CoachWindow(SQLModel, table=True):
    """When a coach is available on the day (a coach with no window is available all day)."""

    id: int | None = Field(default=None, primary_key=True)
    day_id: int = fk("portfolioday.id")
    coach_id: int = fk("user.id", index=False)
    starts_min: int
    ends_min: int


class FamilyAway(SQLModel, table=True):
    """A time on the day when a family said it cannot come."""

    id: int | None = Field(default=None, primary_key=True)
    day_id: int = fk("portfolioday.id")
    family_id: int = fk("family.id", index=False)
    starts_min: int
    ends_min: int


class Slot(SQLModel, table=True):
    """A student's conference on the day: when, where, with which coach and presentation. starts_min is None
    while the student is not placed (unplaced_reason says why)."""

    __table_args__ = (UniqueConstraint("day_id", "student_id"),)
    id: int | None = Field(default=None, primary_key=True)
    day_id: int = fk("portfolioday.id")
    student_id: int = fk("user.id", index=False)
    coach_id: int | None = fk("user.id", nullable=True, ondelete="SET NULL", index=False)
    space_id: int | None = fk("dayspace.id", nullable=True, ondelete="SET NULL", index=False)
    starts_min: int | None = None
    unplaced_reason: str = Field(default="", max_length=32)
    presentation_id: int | None = fk("presentation.id", nullable=True, ondelete="SET NULL", index=False)
    message: str = Field(default="", max_length=500)  # the student's few words to the family
    conference_id: int | None = fk("conference.id", nullable=True, ondelete="SET NULL")
    no_show: bool = False


class Answer(StrEnum):
    COMING = "coming"
    CANNOT = "cannot"
    OTHER_TIME = "other_time"


class Invitation(SQLModel, table=True):
    """A family's invitation to the day (all its students' slots) and its answer. The link carries a signed
    token of (id, nonce): a new nonce makes a new invitation and the old link stops working."""

    __table_args__ = (UniqueConstraint("day_id", "family_id"),)
    id: int | None = Field(default=None, primary_key=True)
    day_id: int = fk("portfolioday.id")
    family_id: int = fk("family.id", index=False)
    nonce: str = Field(max_length=32)
    # the short code printed beside the QR code, typed in the home page's "Have a code?" box
    code: str = Field(max_length=16, unique=True, index=True)
    answer: str = Field(default="", max_length=16)
    coming_count: int | None = None
    who: str = Field(default="", max_length=200)  # comma-separated: parent, carer, grandparent, other
    interpreter: str = Field(default="", max_length=16)  # a language code an interpreter would speak
    note: str = Field(default="", max_length=1000)
    answered_at: datetime | None = None
    sent_at: datetime | None = None  # the invitation email
    reminded_at: datetime | None = None  # the reminder email, the day before
