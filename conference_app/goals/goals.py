"""The student's goals, stored: listed open first, added once (a double submit adds nothing), ticked off."""
from sqlmodel import Session, select

from ..models import Goal, GoalStatus


def all_goals(s: Session, student_id: int) -> list[Goal]:
    """Every goal of the student, open ones first, oldest first within each."""
    return list(s.exec(select(Goal).where(Goal.student_id == student_id)
                       .order_by(Goal.status.desc(), Goal.created_at, Goal.id)))


def add(s: Session, student_id: int, text: str) -> Goal:
    """A new open goal, or the open goal with the same text (a double submit stores one)."""
    text = text.strip()
    goal = s.exec(select(Goal).where(Goal.student_id == student_id, Goal.text == text,
                                     Goal.status == GoalStatus.OPEN)).first()
    if goal is None:
        goal = Goal(student_id=student_id, text=text)
        s.add(goal)
        s.commit()
    return goal


def toggle(s: Session, goal: Goal) -> Goal:
    goal.status = GoalStatus.OPEN if goal.status == GoalStatus.DONE else GoalStatus.DONE
    s.commit()
    return goal


def delete(s: Session, goal: Goal) -> None:
    s.delete(goal)
    s.commit()
