"""Who may see a conference record: the student it belongs to and their coaches (DESIGN.md).

Coach notes and hidden feedback are in the record, so nobody else sees it: not other students, not
other coaches, not admins, not the audience. Only the student writes the reflection.
"""
from flask import abort
from flask_login import current_user

from .. import db
from ..auth.accounts import is_coach_of
from ..models import Conference


def may_see_record(conference: Conference, user=None) -> bool:
    user = user if user is not None else current_user
    if not user.is_authenticated:
        return False
    return user.id == conference.owner_id or (user.is_coach and is_coach_of(db.session(), user.id,
                                                                             conference.owner_id))


def record_or_404(conference_id: int) -> Conference:
    conference = db.session().get(Conference, conference_id)
    if conference is None or not may_see_record(conference):
        abort(404)
    return conference


def may_reflect(conference: Conference, user=None) -> bool:
    user = user if user is not None else current_user
    return user.is_authenticated and user.id == conference.owner_id
