"""Feedback, notes, actions and family forms: stored first (the database is the truth), pushed after.

Everything that reads feedback for an audience goes through `for_audience`, which never returns
hidden feedback; moderators (presenter, coach) and the record use `for_moderators`.
"""
from flask_babel import gettext as _, lazy_gettext as _l
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, or_, select, update

from ..models import (Action, ActionOwner, Conference, ConferenceNote, ConferenceState, FamilyForm, Feedback,
                      FeedbackKind, FeedbackMeToo, Goal, GoalStatus, Participant, Slide, utcnow)
from ..live import conferences, decks
from ..text import InputError, clean_text

MAX_BODY = 1000
KIND_LABELS = {FeedbackKind.QUESTION: _l("Question"), FeedbackKind.COMMENT: _l("Comment"),
               FeedbackKind.PRAISE: _l("What impressed me"), FeedbackKind.SUGGESTION: _l("Next time you could…")}
OWNER_LABELS = {ActionOwner.STUDENT: _l("Student"), ActionOwner.FAMILY: _l("Family"), ActionOwner.COACH: _l("Coach")}


class FeedbackError(InputError):
    """Bad input or a closed conference: a message for the person and an HTTP status."""


def new_key() -> str:
    return str(uuid.uuid4())


def clean_key(key: str | None) -> str:
    key = (key or "").strip()
    if not 8 <= len(key) <= 64 or not all(c.isalnum() or c in "-_" for c in key):
        raise FeedbackError(_("This form is out of date. Reload the page and send it again."), 400)
    return key


# ---- sending ----------------------------------------------------------------------------------------

def by_key(s: Session, participant_id: int, key: str) -> Feedback | None:
    return s.exec(select(Feedback).where(Feedback.participant_id == participant_id,
                                         Feedback.client_key == key)).first()


def send(s: Session, conference: Conference, participant: Participant, *, kind: str, body: str,
         position, client_key: str) -> tuple[Feedback, bool]:
    """Store a participant's feedback once per client key; (feedback, created)."""
    key = clean_key(client_key)
    existing = by_key(s, participant.id, key)
    if existing is not None:  # a double tap or a retry: the same message, already kept
        return existing, False
    if conference.state == ConferenceState.LOBBY:
        raise FeedbackError(_("The conference has not started yet: wait for the first slide."), 409)
    if conference.state == ConferenceState.ENDED:
        raise FeedbackError(_("The conference has ended, so feedback is closed."), 410)
    if kind not in set(FeedbackKind):
        raise FeedbackError(_("Choose what kind of message this is: a question, a comment, praise or a suggestion."))
    body = clean_text(body, MAX_BODY, _("message"))
    try:
        position = int(position)
    except (TypeError, ValueError):
        position = conference.position
    if position != conference.position and position not in conferences.shown_positions(s, conference.id):
        raise FeedbackError(_("That slide has not been shown yet."), 422)
    ids = conference.slide_ids
    slide_id = ids[position] if 0 <= position < len(ids) else None
    slide = s.get(Slide, slide_id) if slide_id else None
    feedback = Feedback(conference_id=conference.id, participant_id=participant.id, client_key=key,
                        position=position, slide_id=slide.id if slide else None,
                        item_id=slide.item_id if slide else None, kind=kind, body=body,
                        language=participant.language)
    s.add(feedback)
    try:
        s.commit()
    except IntegrityError:  # the same key arrived twice at once: the other request kept it
        s.rollback()
        existing = by_key(s, participant.id, key)
        if existing is None:
            raise
        return existing, False
    return feedback, True


MODERATION = ("answered", "pinned", "hidden")


def moderate(s: Session, feedback: Feedback, field: str, value: bool) -> Feedback:
    if field not in MODERATION:
        raise FeedbackError(_("Unknown change."), 400)
    setattr(feedback, field, value)
    s.commit()
    return feedback


def set_show_feedback(s: Session, conference: Conference, on: bool) -> None:
    conference.show_feedback = on
    s.commit()


# ---- reading --------------------------------------------------------------------------------------------

@dataclass
class Entry:
    """One piece of feedback with what a feed shows around it."""

    fb: Feedback
    name: str
    role: str
    slide_title: str
    code: str = ""  # the conference's code, for a phone's "me too" (empty where there is none to press)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.fb.kind, self.fb.kind)


def slide_titles(s: Session, conference: Conference, audience: bool, views=None) -> dict[int, str]:
    """Position -> title; for an audience a withheld work keeps its withheld title."""
    out = {}
    for i, view in enumerate(views if views is not None else decks.views(conference)):
        out[i] = view.audience_title if audience else view.title
    return out


def _entries(s: Session, conference: Conference, *where, audience: bool, views=None) -> list[Entry]:
    rows = s.exec(select(Feedback, Participant.display_name, Participant.role)
                  .join(Participant, Participant.id == Feedback.participant_id)
                  .where(Feedback.conference_id == conference.id, *where)
                  .order_by(Feedback.pinned.desc(), Feedback.created_at.desc(), Feedback.id.desc())).all()
    titles = slide_titles(s, conference, audience, views) if rows else {}
    code = conference.code if conference.is_open and conference.show_feedback else ""
    return [Entry(fb, name, role, titles.get(fb.position, f"Slide {fb.position + 1}"), code)
            for fb, name, role in rows]


def for_moderators(s: Session, conference: Conference, views=None) -> list[Entry]:
    """Every item (hidden ones too); `views`: the conference's slides, if the caller has them already."""
    return _entries(s, conference, audience=False, views=views)


def for_audience(s: Session, conference: Conference, participant: Participant | None) -> list[Entry]:
    """What one phone may see: others' visible feedback when the conference shows it, and its own (a hidden one
    too, so that its sender is told it was not shown to everyone rather than seeing it vanish)."""
    own = Feedback.participant_id == (participant.id if participant is not None else None)
    if not conference.show_feedback:
        return _entries(s, conference, own, audience=True) if participant is not None else []
    return _entries(s, conference, or_(Feedback.hidden.is_(False), own), audience=True)


def entry(s: Session, feedback: Feedback, audience: bool) -> Entry:
    conference = s.get(Conference, feedback.conference_id)
    participant = s.get(Participant, feedback.participant_id)
    titles = slide_titles(s, conference, audience)
    return Entry(feedback, participant.display_name, participant.role,
                 titles.get(feedback.position, _("Slide %(n)s", n=feedback.position + 1)),
                 conference.code if conference.is_open and conference.show_feedback else "")


def me_too(s: Session, conference: Conference, participant: Participant, feedback: Feedback) -> bool:
    """Add this phone to another's question, once; True when it counted now (False: it had already)."""
    if not conference.is_open or not conference.show_feedback:
        raise FeedbackError(_("Adding yourself to a question works while everyone’s feedback is shown."), 409)
    if feedback.hidden or feedback.kind != FeedbackKind.QUESTION or feedback.participant_id == participant.id:
        raise FeedbackError(_("You can add yourself to other people’s questions only."), 409)
    try:
        s.add(FeedbackMeToo(feedback_id=feedback.id, participant_id=participant.id))
        s.flush()
    except IntegrityError:
        s.rollback()
        return False
    s.exec(update(Feedback).where(Feedback.id == feedback.id).values(me_too=Feedback.me_too + 1))
    s.commit()
    s.refresh(feedback)
    return True


def for_item(s: Session, item_id: int) -> list[tuple[Entry, Conference]]:
    """Feedback about a portfolio item across conferences, newest first (for its own page)."""
    rows = s.exec(select(Feedback, Participant.display_name, Participant.role, Conference)
                  .join(Participant, Participant.id == Feedback.participant_id)
                  .join(Conference, Conference.id == Feedback.conference_id)
                  .where(Feedback.item_id == item_id)
                  .order_by(Feedback.created_at.desc(), Feedback.id.desc())).all()
    return [(Entry(fb, name, role, ""), conference) for fb, name, role, conference in rows]


# ---- coach notes ------------------------------------------------------------------------------------------

def note_of(s: Session, conference_id: int, author_id: int) -> ConferenceNote | None:
    return s.exec(select(ConferenceNote).where(ConferenceNote.conference_id == conference_id,
                                               ConferenceNote.author_id == author_id)).first()


def save_note(s: Session, conference: Conference, author_id: int, body: str) -> ConferenceNote:
    body = clean_text(body, 20000, _("notes"), required=False)
    note = note_of(s, conference.id, author_id)
    if note is None:
        note = ConferenceNote(conference_id=conference.id, author_id=author_id)
        s.add(note)
    note.body, note.updated_at = body, utcnow()
    try:
        s.commit()
    except IntegrityError:  # two tabs created it at once: write into the one that won
        s.rollback()
        note = note_of(s, conference.id, author_id)
        note.body, note.updated_at = body, utcnow()
        s.commit()
    return note


# ---- actions and the goals they become -----------------------------------------------------------------

def actions_of(s: Session, conference_id: int) -> list[Action]:
    return list(s.exec(select(Action).where(Action.conference_id == conference_id)
                       .order_by(Action.created_at, Action.id)))


def clean_owner(owner) -> str:
    if owner not in set(ActionOwner):
        raise FeedbackError(_("Choose who owns this action: the student, the family or the coach."))
    return owner


def clean_due(due_on) -> date | None:
    if not due_on:
        return None
    try:
        due = date.fromisoformat(str(due_on))
    except ValueError:
        raise FeedbackError(_("The due date is not a date.")) from None
    if not date(2000, 1, 1) <= due <= date.today() + timedelta(days=3 * 366):
        raise FeedbackError(_("The due date is too far away."))
    return due


def clean_action(text, owner, due_on) -> tuple[str, str, date | None]:
    return clean_text(text, 500, _("action")), clean_owner(owner), clean_due(due_on)


def _sync_goal(s: Session, conference: Conference, action: Action) -> None:
    """A student's action is a goal on their list; another owner's is not."""
    goal = s.get(Goal, action.goal_id) if action.goal_id else None
    if action.owner == ActionOwner.STUDENT:
        if goal is None:
            goal = Goal(student_id=conference.owner_id, text=action.text, status=GoalStatus.OPEN)
            s.add(goal)
            s.flush()
            action.goal_id = goal.id
        goal.text, goal.due_on = action.text, action.due_on
    elif goal is not None:
        action.goal_id = None
        s.delete(goal)


def add_action(s: Session, conference: Conference, user_id: int, text, owner, due_on) -> Action:
    text, owner, due = clean_action(text, owner, due_on)
    action = Action(conference_id=conference.id, owner=owner, text=text, due_on=due, created_by_id=user_id)
    s.add(action)
    s.flush()
    _sync_goal(s, conference, action)
    s.commit()
    return action


def update_action(s: Session, conference: Conference, action: Action, text, owner, due_on) -> Action:
    action.text, action.owner, action.due_on = clean_action(text, owner, due_on)
    action.updated_at = utcnow()
    _sync_goal(s, conference, action)
    s.commit()
    return action


def delete_action(s: Session, action: Action) -> None:
    goal = s.get(Goal, action.goal_id) if action.goal_id else None
    if goal is not None and goal.status == GoalStatus.OPEN:
        s.delete(goal)
    s.delete(action)
    s.commit()


# ---- the family's closing form -------------------------------------------------------------------------

def family_form_of(s: Session, participant_id: int) -> FamilyForm | None:
    return s.exec(select(FamilyForm).where(FamilyForm.participant_id == participant_id)).first()


def closing_open(conference: Conference, hours: int) -> bool:
    """The form is for after the end, for a while (the participant's token still identifies them)."""
    return (conference.state == ConferenceState.ENDED and conference.ended_at is not None
            and utcnow() - conference.ended_at <= timedelta(hours=hours))


def save_family_form(s: Session, conference: Conference, participant: Participant, stood_out, question,
                     support) -> FamilyForm:
    stood_out = clean_text(stood_out, 1000, _("answer about what stood out"), required=False)
    question = clean_text(question, 1000, _("question"), required=False)
    support = clean_text(support, 1000, _("answer about how you will help"), required=False)
    if not (stood_out or question or support):
        raise FeedbackError(_("Please answer at least one question, or choose “Skip”."))
    form = family_form_of(s, participant.id)
    if form is None:
        form = FamilyForm(conference_id=conference.id, participant_id=participant.id)
        s.add(form)
    form.stood_out, form.question, form.support, form.updated_at = stood_out, question, support, utcnow()
    try:
        s.commit()
    except IntegrityError:  # sent twice at once: the first is kept, the second updates it
        s.rollback()
        form = family_form_of(s, participant.id)
        form.stood_out, form.question, form.support, form.updated_at = stood_out, question, support, utcnow()
        s.commit()
    return form
