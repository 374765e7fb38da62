"""Gathering a conference record in a fixed number of queries; the page, print view and download
all render `records/_record.html` from this."""
from flask_babel import gettext as _
from dataclasses import dataclass, field

from sqlmodel import Session, select

from ..feedback import service
from ..growth.evidence import discussed
from ..live import conferences
from ..models import (Action, Conference, ConferenceNote, ConferenceReflection, ConferenceState, FamilyForm,
                      Participant, Presentation, RecordFile, RecordSlide, SlideVisit, User, utcnow)
from ..text import clean_text
from . import fixed


@dataclass
class SlideRecord:
    """One slide of the record: the record's own copy (`snap`, `pictures`), time on screen, its feedback."""

    snap: RecordSlide
    pictures: list[RecordFile]
    seconds: int
    feedback: list[service.Entry] = field(default_factory=list)

    @property
    def position(self) -> int:
        return self.snap.position


@dataclass
class Record:
    conference: Conference
    owner: User
    presentation: Presentation
    attendees: list[Participant]
    slides: list[SlideRecord]
    notes: list[tuple[ConferenceNote, str]]
    actions: list[Action]
    family_forms: list[tuple[FamilyForm, Participant]]
    reflection: ConferenceReflection | None
    competencies: list = field(default_factory=list)  # the competencies the shown slides were about

    @property
    def seconds(self) -> int:
        c = self.conference
        if not c.started_at:
            return 0
        return int(((c.ended_at or utcnow()) - c.started_at).total_seconds())

    @property
    def feedback_count(self) -> int:
        return sum(len(sl.feedback) for sl in self.slides)


def build(s: Session, conference: Conference, with_notes: bool = True) -> Record:
    """The record from its own copy of the slides (fixed here if it was not yet: a conference that ended
    before records kept copies)."""
    fixed.fix(s, conference)
    snaps = fixed.slides_of(s, conference.id)
    pictures = fixed.pictures_of(s, [sl.id for sl in snaps])
    end = conference.ended_at or utcnow()
    spent: dict[int, int] = {}
    for visit in s.exec(select(SlideVisit).where(SlideVisit.conference_id == conference.id)):
        until = visit.ended_at or end
        spent[visit.position] = spent.get(visit.position, 0) + max(0, int((until - visit.started_at)
                                                                          .total_seconds()))
    slides = {sl.position: SlideRecord(sl, pictures[sl.id], spent.get(sl.position, 0)) for sl in snaps}
    for e in reversed(service.for_moderators(s, conference, views=[])):  # oldest first within a slide
        if e.fb.position in slides:
            slides[e.fb.position].feedback.append(e)
    attendees = list(s.exec(select(Participant).where(Participant.conference_id == conference.id,
                                                      Participant.removed.is_(False))
                            .order_by(Participant.joined_at, Participant.id)))
    notes = []
    if with_notes:
        notes = list(s.exec(select(ConferenceNote, User.display_name).join(User, User.id == ConferenceNote.author_id)
                            .where(ConferenceNote.conference_id == conference.id, ConferenceNote.body != "")
                            .order_by(ConferenceNote.id)).all())
    forms = list(s.exec(select(FamilyForm, Participant).join(Participant, Participant.id == FamilyForm.participant_id)
                        .where(FamilyForm.conference_id == conference.id).order_by(FamilyForm.id)).all())
    reflection = s.exec(select(ConferenceReflection)
                        .where(ConferenceReflection.conference_id == conference.id)).first()
    return Record(conference=conference, owner=s.get(User, conference.owner_id),
                  presentation=s.get(Presentation, conference.presentation_id), attendees=attendees,
                  slides=list(slides.values()), notes=notes, actions=service.actions_of(s, conference.id),
                  family_forms=forms, reflection=reflection,
                  competencies=discussed(s, [v for v in conferences.views_of(s, conference) if v.number - 1 in spent]))


def ended_for(s: Session, student_id: int) -> list[Conference]:
    """The student's ended conferences, newest first: the records in their portfolio timeline."""
    return list(s.exec(select(Conference).where(Conference.owner_id == student_id,
                                                Conference.state == ConferenceState.ENDED)
                       .order_by(Conference.ended_at.desc(), Conference.id.desc())))


def timeline(s: Session, student_id: int) -> list[tuple[Conference, str]]:
    """The records in the student's portfolio, newest first, each with its presentation's title."""
    conferences_ = ended_for(s, student_id)
    ids = {c.presentation_id for c in conferences_}
    rows = s.exec(select(Presentation.id, Presentation.title).where(Presentation.id.in_(ids))).all() if ids else []
    titles = {pid: title for pid, title in rows}
    return [(c, titles.get(c.presentation_id, "")) for c in conferences_]


def save_reflection(s: Session, conference: Conference, body: str) -> ConferenceReflection:
    body = clean_text(body, 5000, _("reflection"), required=False)
    reflection = s.exec(select(ConferenceReflection)
                        .where(ConferenceReflection.conference_id == conference.id)).first()
    if reflection is None:
        reflection = ConferenceReflection(conference_id=conference.id)
        s.add(reflection)
    reflection.body, reflection.updated_at = body, utcnow()
    s.commit()
    return reflection
