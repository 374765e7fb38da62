"""Creating accounts and the coach–student relation: used by admin pages, the CLI and the demo."""
from flask_babel import gettext as _
from sqlmodel import Session, select

from ..models import CoachAssignment, Role, User
from .passwords import hash_password


class AccountError(ValueError):
    pass


def create_user(s: Session, username: str, display_name: str, password: str, role: str) -> User:
    username = username.strip().lower()
    if role not in set(Role):
        raise AccountError(_("Unknown role %(role)r.", role=role))
    if len(password) < 8:
        raise AccountError(_("A password needs at least 8 characters."))
    if s.exec(select(User).where(User.username == username)).first():
        raise AccountError(_("The username %(username)r is taken.", username=username))
    user = User(username=username, display_name=display_name.strip(),
                password_hash=hash_password(password), role=role)
    s.add(user)
    s.commit()
    return user


def coaches_of(s: Session, student_id: int) -> list[User]:
    return list(s.exec(
        select(User).join(CoachAssignment, CoachAssignment.coach_id == User.id)
        .where(CoachAssignment.student_id == student_id).order_by(User.display_name)
    ))


def students_of(s: Session, coach_id: int) -> list[User]:
    return list(s.exec(
        select(User).join(CoachAssignment, CoachAssignment.student_id == User.id)
        .where(CoachAssignment.coach_id == coach_id).order_by(User.display_name)
    ))


def is_coach_of(s: Session, coach_id: int, student_id: int) -> bool:
    return s.exec(select(CoachAssignment.id).where(
        CoachAssignment.coach_id == coach_id, CoachAssignment.student_id == student_id
    )).first() is not None


def set_coaches(s: Session, student: User, coach_ids: set[int]) -> None:
    """Make exactly these coaches follow the student."""
    if student.role != Role.STUDENT:
        raise AccountError(_("Only students have coaches."))
    valid = set(s.exec(select(User.id).where(User.id.in_(coach_ids), User.role == Role.COACH)))
    current = {a.coach_id: a for a in s.exec(
        select(CoachAssignment).where(CoachAssignment.student_id == student.id))}
    for coach_id, assignment in current.items():
        if coach_id not in valid:
            s.delete(assignment)
    for coach_id in valid - current.keys():
        s.add(CoachAssignment(coach_id=coach_id, student_id=student.id))
    s.commit()
