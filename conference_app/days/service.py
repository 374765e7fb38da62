"""The e-Portfolio day in the database: who takes part, the schedule (the scheduler on the day's data), moves,
swaps and shifts that keep the day valid, families and their invitations, the signed invitation token, and
each slot's state on the day."""
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlmodel import Session, select

from ..models import (CoachAssignment, CoachWindow, Conference, ConferenceState, DaySpace, Family, FamilyAway,
                      FamilyStudent, Invitation, Participant, PortfolioDay, Role, Slot, User, utcnow)
from . import scheduler

SALT = "eportfolio-day-invitation"


# ---- the school's clock ---------------------------------------------------------------------------------

def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def today() -> date:
    return datetime.now(zone()).date()


def now_min() -> int:
    moment = datetime.now(zone())
    return moment.hour * 60 + moment.minute


def at(day: PortfolioDay, minutes: int) -> datetime:
    """A time of the day as an aware datetime on the school's clock (for Babel's formatting)."""
    return datetime.combine(day.held_on, time(0, 0), tzinfo=zone()) + timedelta(minutes=minutes)


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# ---- who takes part ---------------------------------------------------------------------------------------

def students_of(s: Session, day: PortfolioDay) -> list[User]:
    if not day.groups:
        return []
    return list(s.exec(select(User).where(User.role == Role.STUDENT, User.active,
                                          User.tutor_group_id.in_(day.groups))
                       .order_by(User.display_name, User.id)))


def coach_of(s: Session, student_ids: list[int]) -> dict[int, int]:
    """Each student's first coach (the one who attends their conference)."""
    found: dict[int, int] = {}
    if not student_ids:
        return found
    for a in s.exec(select(CoachAssignment).where(CoachAssignment.student_id.in_(student_ids))
                    .order_by(CoachAssignment.id)):
        found.setdefault(a.student_id, a.coach_id)
    return found


def family_of(s: Session, student_ids: list[int]) -> dict[int, int]:
    if not student_ids:
        return {}
    return dict(s.exec(select(FamilyStudent.student_id, FamilyStudent.family_id)
                       .where(FamilyStudent.student_id.in_(student_ids))).all())


def ensure_families(s: Session, students: list[User]) -> dict[int, int]:
    """Every student in a family: one of their own (named after them on the invitation) when they have none."""
    families = family_of(s, [u.id for u in students])
    for u in students:
        if u.id not in families:
            family = Family(key=f"student-{u.id}", display_name="", language="en")
            s.add(family)
            s.flush()
            s.add(FamilyStudent(family_id=family.id, student_id=u.id))
            families[u.id] = family.id
    return families


def put_family(s: Session, student: User, key: str, email: str = "", language: str = "") -> Family:
    """The student into the family of this key (made when new): for the CSV import and the admin."""
    family = s.exec(select(Family).where(Family.key == key)).first()
    if family is None:
        family = Family(key=key, display_name="", language=language or "en", email=email)
        s.add(family)
        s.flush()
    else:
        family.email = email or family.email
        family.language = language or family.language
    link = s.exec(select(FamilyStudent).where(FamilyStudent.student_id == student.id)).first()
    if link is None:
        s.add(FamilyStudent(family_id=family.id, student_id=student.id))
    else:
        link.family_id = family.id
    return family


def family_name(family: Family, students: list[User]) -> str:
    """"Amara's family" unless the school gave the family a name."""
    from flask_babel import gettext as _
    if family.display_name:
        return family.display_name
    names = [u.display_name.split()[0] for u in students] or ["?"]
    return _("%(names)s’s family", names=" & ".join(names))


# ---- the schedule ------------------------------------------------------------------------------------------

def spaces_of(s: Session, day: PortfolioDay) -> list[DaySpace]:
    return list(s.exec(select(DaySpace).where(DaySpace.day_id == day.id).order_by(DaySpace.position, DaySpace.id)))


def set_spaces(s: Session, day: PortfolioDay, spaces: list[tuple[str, int]]) -> None:
    """The day's spaces, in this order: kept by name (so that slots keep theirs), the others removed."""
    existing = {sp.name: sp for sp in spaces_of(s, day)}
    for position, (name, capacity) in enumerate(spaces):
        sp = existing.pop(name, None) or DaySpace(day_id=day.id, name=name)
        sp.capacity, sp.position = capacity, position
        s.add(sp)
    for sp in existing.values():
        s.delete(sp)


def slots_of(s: Session, day: PortfolioDay) -> list[Slot]:
    """In time order, then the spaces' order."""
    position = {sp.id: sp.position for sp in spaces_of(s, day)}
    slots = list(s.exec(select(Slot).where(Slot.day_id == day.id)))
    return sorted(slots, key=lambda sl: (sl.starts_min is None, sl.starts_min or 0, position.get(sl.space_id, 99),
                                         sl.id))


def plain_day(s: Session, day: PortfolioDay) -> scheduler.Day:
    windows: dict[int, list[tuple[int, int]]] = {}
    for w in s.exec(select(CoachWindow).where(CoachWindow.day_id == day.id)):
        windows.setdefault(w.coach_id, []).append((w.starts_min, w.ends_min))
    away: dict[int, list[tuple[int, int]]] = {}
    for a in s.exec(select(FamilyAway).where(FamilyAway.day_id == day.id)):
        away.setdefault(a.family_id, []).append((a.starts_min, a.ends_min))
    return scheduler.Day(starts_min=day.starts_min, ends_min=day.ends_min, slot_minutes=day.slot_minutes,
                         changeover_minutes=day.changeover_minutes, coach_capacity=day.coach_capacity,
                         spaces={sp.id: sp.capacity for sp in spaces_of(s, day)}, coach_windows=windows,
                         family_away=away)


def _plain_students(s: Session, slots: list[Slot]) -> list[scheduler.Student]:
    families = family_of(s, [sl.student_id for sl in slots])
    return [scheduler.Student(sl.student_id, sl.coach_id, families.get(sl.student_id)) for sl in slots]


def _placed(slots: list[Slot]) -> dict[int, tuple[int, int]]:
    return {sl.student_id: (sl.starts_min, sl.space_id) for sl in slots if sl.starts_min is not None}


def auto_schedule(s: Session, day: PortfolioDay, start_again: bool = False) -> scheduler.Result:
    """Every student of the day's groups gets a slot row; the scheduler places those not yet placed (all of
    them when starting again). Families and invitations follow."""
    students = students_of(s, day)
    ensure_families(s, students)
    coaches = coach_of(s, [u.id for u in students])
    existing = {sl.student_id: sl for sl in slots_of(s, day)}
    ids = {u.id for u in students}
    for sid, sl in existing.items():
        if sid not in ids and sl.conference_id is None:  # left the groups
            s.delete(sl)
    for u in students:
        sl = existing.get(u.id)
        if sl is None:
            sl = existing[u.id] = Slot(day_id=day.id, student_id=u.id)
            s.add(sl)
        if start_again or sl.starts_min is None:
            sl.coach_id = coaches.get(u.id)
            sl.starts_min, sl.space_id = None, None
    s.flush()
    slots = [existing[u.id] for u in students]
    result = scheduler.schedule(plain_day(s, day), _plain_students(s, slots), _placed(slots))
    for sl in slots:
        if sl.student_id in result.placed:
            sl.starts_min, sl.space_id = result.placed[sl.student_id]
            sl.unplaced_reason = ""
        else:
            sl.unplaced_reason = result.unplaced.get(sl.student_id, "")
    ensure_invitations(s, day)
    s.commit()
    return result


def open_booking(s: Session, day: PortfolioDay) -> None:
    """Booking days: every student gets a slot row (not placed yet) and every family its invitation, so that
    the invitations can go out before anyone is placed."""
    students = students_of(s, day)
    ensure_families(s, students)
    coaches = coach_of(s, [u.id for u in students])
    have = {sl.student_id for sl in slots_of(s, day)}
    for u in students:
        if u.id not in have:
            s.add(Slot(day_id=day.id, student_id=u.id, coach_id=coaches.get(u.id)))
    s.flush()
    ensure_invitations(s, day)
    s.commit()


def booking_options(s: Session, day: PortfolioDay, invitation: Invitation) -> dict[int, list[tuple[int, int, int]]]:
    """The times this family may choose (its own current times count as free)."""
    slots = slots_of(s, day)
    mine = set(s.exec(select(FamilyStudent.student_id).where(FamilyStudent.family_id == invitation.family_id)))
    family = [st for st in _plain_students(s, slots) if st.id in mine]
    others = _placed([sl for sl in slots if sl.student_id not in mine])
    return scheduler.options(plain_day(s, day), _plain_students(s, slots), others, family)


def book(s: Session, day: PortfolioDay, invitation: Invitation, starts_min: int) -> bool:
    """The family's choice, if that time is still free for all its students (else False: someone was quicker)."""
    s.exec(select(PortfolioDay).where(PortfolioDay.id == day.id).with_for_update()).one()  # one booking at a time
    chosen = booking_options(s, day, invitation).get(starts_min)
    if not chosen:
        return False
    slots = {sl.student_id: sl for sl in slots_of(s, day)}
    for student_id, t, space in chosen:
        slots[student_id].starts_min, slots[student_id].space_id = t, space
        slots[student_id].unplaced_reason = ""
    s.commit()
    return True


def conflicts(s: Session, day: PortfolioDay, slots: list[Slot] | None = None) -> list[scheduler.Conflict]:
    slots = slots_of(s, day) if slots is None else slots
    return scheduler.conflicts(plain_day(s, day), _plain_students(s, slots), _placed(slots))


def _check(s: Session, day: PortfolioDay, slots: list[Slot], before: set) -> list[scheduler.Conflict]:
    """The conflicts a change brings (those already there before do not count against it)."""
    after = scheduler.conflicts(plain_day(s, day), _plain_students(s, slots), _placed(slots))
    return [c for c in after if (c.student_id, c.kind) not in before]


@dataclass
class Change:
    ok: bool
    conflicts: list[scheduler.Conflict]


def _try(s: Session, day: PortfolioDay, apply, before: set | None = None) -> Change:
    """Apply a change to copies of the slots, keep it only if it brings no conflict (`before`: the day's
    conflicts before the change, when the change also changes the day)."""
    if before is None:
        before = {(c.student_id, c.kind) for c in conflicts(s, day)}
    slots = slots_of(s, day)
    copies = [Slot(**sl.model_dump()) for sl in slots]
    apply({c.id: c for c in copies})
    new = _check(s, day, copies, before)
    if new:
        return Change(False, new)
    for sl, c in zip(slots, copies, strict=True):
        sl.starts_min, sl.space_id, sl.unplaced_reason = c.starts_min, c.space_id, c.unplaced_reason
    s.commit()
    return Change(True, [])


def move(s: Session, day: PortfolioDay, slot: Slot, starts_min: int, space_id: int) -> Change:
    def apply(by_id):
        by_id[slot.id].starts_min, by_id[slot.id].space_id, by_id[slot.id].unplaced_reason = starts_min, space_id, ""
    return _try(s, day, apply)


def swap(s: Session, day: PortfolioDay, a: Slot, b: Slot) -> Change:
    def apply(by_id):
        x, y = by_id[a.id], by_id[b.id]
        (x.starts_min, x.space_id), (y.starts_min, y.space_id) = (y.starts_min, y.space_id), (x.starts_min,
                                                                                                x.space_id)
        x.unplaced_reason = y.unplaced_reason = ""
    return _try(s, day, apply)


def shift(s: Session, day: PortfolioDay, minutes: int) -> Change:
    """The whole day earlier or later: its hours and every slot; refused if it breaks a rule (a coach's
    window, a family's time away)."""
    before = {(c.student_id, c.kind) for c in conflicts(s, day)}
    day.starts_min += minutes
    day.ends_min += minutes

    def apply(by_id):
        for c in by_id.values():
            if c.starts_min is not None:
                c.starts_min += minutes
    change = _try(s, day, apply, before)
    if not change.ok:
        day.starts_min -= minutes
        day.ends_min -= minutes
    s.commit()
    return change


def rebook(s: Session, day: PortfolioDay, slot: Slot) -> bool:
    """A no-show gets the first free slot later today (or on the day) and a new invitation (a new link)."""
    slots = slots_of(s, day)
    plain = plain_day(s, day)
    plain.earliest = now_min() if today() == day.held_on else 0  # the same grid of times, from now on
    others = [sl for sl in slots if sl.id != slot.id]
    students = _plain_students(s, slots)
    # siblings keep their slot: rebook alone (the family is told the new time)
    students = [scheduler.Student(st.id, st.coach_id, None) if st.id == slot.student_id else st for st in students]
    result = scheduler.schedule(plain, students, _placed(others))
    if slot.student_id not in result.placed:
        return False
    slot.starts_min, slot.space_id = result.placed[slot.student_id]
    slot.no_show, slot.conference_id = False, None
    invitation = invitation_of_student(s, day, slot.student_id)
    if invitation is not None:
        invitation.nonce, invitation.code = secrets.token_hex(8), new_code(s)
        invitation.sent_at = invitation.reminded_at = None
        invitation.answer, invitation.answered_at = "", None
    s.commit()
    return True


# ---- invitations ------------------------------------------------------------------------------------------

def ensure_invitations(s: Session, day: PortfolioDay) -> None:
    slots = slots_of(s, day)
    families = set(family_of(s, [sl.student_id for sl in slots]).values())
    have = set(s.exec(select(Invitation.family_id).where(Invitation.day_id == day.id)))
    for family_id in sorted(families - have):
        s.add(Invitation(day_id=day.id, family_id=family_id, nonce=secrets.token_hex(8), code=new_code(s)))


def new_code(s: Session) -> str:
    """A short code like a conference's (same alphabet and length, read aloud the same way), used by no
    conference and no other invitation."""
    from ..live import codes
    while True:
        code = codes.new_code()
        if s.exec(select(Invitation.id).where(Invitation.code == code)).first() is None and \
                s.exec(select(Conference.id).where(Conference.code == code)).first() is None:
            return code


def invitation_of_code(s: Session, code: str) -> Invitation | None:
    from ..live import codes
    code = codes.normalise(code)
    if not codes.looks_valid(code):
        return None
    return s.exec(select(Invitation).where(Invitation.code == code)).first()


def invitations_of(s: Session, day: PortfolioDay) -> list[Invitation]:
    return list(s.exec(select(Invitation).where(Invitation.day_id == day.id).order_by(Invitation.id)))


def invitation_of_student(s: Session, day: PortfolioDay, student_id: int) -> Invitation | None:
    family_id = family_of(s, [student_id]).get(student_id)
    if family_id is None:
        return None
    return s.exec(select(Invitation).where(Invitation.day_id == day.id, Invitation.family_id == family_id)).first()


def token_of(invitation: Invitation) -> str:
    return URLSafeSerializer(current_app.secret_key, salt=SALT).dumps([invitation.id, invitation.nonce])


def invitation_of_token(s: Session, token: str) -> Invitation | None:
    """The invitation this token was signed for, while its nonce is the invitation's (else None)."""
    if not token or len(token) > 200:
        return None
    try:
        invitation_id, nonce = URLSafeSerializer(current_app.secret_key, salt=SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(invitation_id, int) or not isinstance(nonce, str):
        return None
    invitation = s.get(Invitation, invitation_id)
    if invitation is None or not secrets.compare_digest(invitation.nonce, nonce):
        return None
    return invitation


@dataclass
class Letter:
    """What one family's invitation says: the family, its students' slots (in time order)."""
    invitation: Invitation
    family: Family
    students: list[User]
    slots: list[Slot]
    name: str


def letter(s: Session, invitation: Invitation) -> Letter:
    family = s.get(Family, invitation.family_id)
    student_ids = list(s.exec(select(FamilyStudent.student_id).where(FamilyStudent.family_id == family.id)))
    slots = list(s.exec(select(Slot).where(Slot.day_id == invitation.day_id, Slot.student_id.in_(student_ids))
                        .order_by(Slot.starts_min, Slot.id))) if student_ids else []
    users = {u.id: u for u in s.exec(select(User).where(User.id.in_([sl.student_id for sl in slots])))} \
        if slots else {}
    students = [users[sl.student_id] for sl in slots]
    return Letter(invitation, family, students, slots, family_name(family, students))


def answer(s: Session, invitation: Invitation, kind: str, count: int | None, who: list[str], interpreter: str,
           note: str) -> None:
    invitation.answer, invitation.coming_count = kind, count if kind == "coming" else None
    invitation.who = ",".join(who) if kind == "coming" else ""
    invitation.interpreter, invitation.note, invitation.answered_at = interpreter, note, utcnow()
    s.commit()


# ---- on the day --------------------------------------------------------------------------------------------

def link_conference(s: Session, day: PortfolioDay, slot: Slot) -> Conference | None:
    """The conference of this slot: the one linked, else the student's conference opened on the day (the chosen
    presentation's first), which is then linked so that the record leads back to the slot."""
    if slot.conference_id is not None:
        return s.get(Conference, slot.conference_id)
    start = datetime.combine(day.held_on, time(0, 0), tzinfo=zone())
    found = list(s.exec(select(Conference).where(Conference.owner_id == slot.student_id,
                                                 Conference.created_at >= start,
                                                 Conference.created_at < start + timedelta(days=1))
                        .order_by(Conference.created_at.desc(), Conference.id.desc())))
    if not found:
        return None
    found.sort(key=lambda c: (c.presentation_id != slot.presentation_id, not c.is_open))
    conference = found[0]
    slot.conference_id = conference.id
    s.commit()
    return conference


def status(s: Session, day: PortfolioDay, slot: Slot, conference: Conference | None) -> str:
    """waiting, arrived (a family phone is in the lobby), live, ended, or no_show."""
    if conference is not None:
        if conference.state == ConferenceState.LIVE:
            return "live"
        if conference.state == ConferenceState.ENDED:
            return "ended"
        family = s.exec(select(Participant.id).where(Participant.conference_id == conference.id,
                                                     Participant.role != "coach",
                                                     Participant.removed == False)).first()  # noqa: E712
        return "arrived" if family else "waiting"
    if slot.no_show:
        return "no_show"
    if slot.starts_min is not None and (today() > day.held_on or today() == day.held_on
                                        and now_min() > slot.starts_min + day.slot_minutes):
        return "no_show"
    return "waiting"
