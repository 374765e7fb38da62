"""Who may see and change a student's work: the one rule every feature asks.

- the student sees and changes their own work (portfolio, presentations, conferences, records);
- a coach of the student sees it (never the student's private items: the portfolio adds that) and acts
  as staff on it (approves, comments, runs the conference, writes notes and actions), but does not edit it;
- nobody else sees it, admins included (they run accounts, not portfolios).

A feature answers a stranger with 404 (`get_or_404`), so that ids reveal nothing.
"""
from collections.abc import Callable
from typing import TypeVar

from flask import abort

from . import db
from .auth.accounts import is_coach_of
from .models import User

T = TypeVar("T")


def is_owner(user: User, owner_id: int) -> bool:
    """Is the signed-in user the student whose work this is?"""
    return bool(user.is_authenticated and user.id == owner_id)


def coaches(user: User, owner_id: int) -> bool:
    """Is the signed-in user a coach of this student?"""
    return bool(user.is_authenticated and user.is_coach and is_coach_of(db.session(), user.id, owner_id))


def may_see_work(user: User, owner_id: int) -> bool:
    """The student, or a coach of theirs."""
    return is_owner(user, owner_id) or coaches(user, owner_id)


def may_change_work(user: User, owner_id: int) -> bool:
    """Only the student changes their own work."""
    return is_owner(user, owner_id)


def get_or_404(model: type[T], row_id: int, allowed: Callable[[T], bool]) -> T:
    """The row if `allowed(row)`; otherwise 404, whether it is missing or someone else's."""
    row = db.session().get(model, row_id)
    if row is None or not allowed(row):
        abort(404)
    return row
