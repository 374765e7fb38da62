"""Who may see the day's pages (the day's own rules beside conference_app/access.py): the admin every day and
slot; a coach the slots of their students (the slot's coach, or a coach of the student); a student their own
slot. Anyone else gets a 404, so that ids reveal nothing."""
from flask import abort
from flask_login import current_user

from .. import access, db
from ..models import PortfolioDay, Slot, User


def may_see_slot(user: User, slot: Slot) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    return user.is_coach and (slot.coach_id == user.id or access.coaches(user, slot.student_id))


def day_for_admin(day_id: int) -> PortfolioDay:
    return access.get_or_404(PortfolioDay, day_id, lambda d: current_user.is_admin)


def day_for_staff(day_id: int) -> PortfolioDay:
    """The admin: any day; a coach: a day with a slot of theirs."""
    def allowed(day):
        if current_user.is_admin:
            return True
        if not current_user.is_coach:
            return False
        from sqlmodel import select
        slots = db.session().exec(select(Slot).where(Slot.day_id == day.id))
        return any(may_see_slot(current_user, sl) for sl in slots)
    return access.get_or_404(PortfolioDay, day_id, allowed)


def slot_for_student(slot_id: int) -> Slot:
    slot = db.session().get(Slot, slot_id)
    if slot is None or not access.is_owner(current_user, slot.student_id):
        abort(404)
    return slot
