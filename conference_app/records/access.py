"""Who may see a conference record: the house rule (`conference_app.access`), the student and their coaches.

Coach notes and hidden feedback are in the record, so nobody else sees it: not other students, not
other coaches, not admins, not the audience. Only the student writes the reflection.
"""
from flask_login import current_user

from .. import access
from ..models import Conference


def may_see_record(conference: Conference, user=None) -> bool:
    return access.may_see_work(user if user is not None else current_user, conference.owner_id)


def record_or_404(conference_id: int) -> Conference:
    return access.get_or_404(Conference, conference_id, may_see_record)


def may_reflect(conference: Conference, user=None) -> bool:
    return access.may_change_work(user if user is not None else current_user, conference.owner_id)


def may_redact(conference: Conference, user=None) -> bool:
    """A coach of the student removes a picture or text from a record."""
    return access.coaches(user if user is not None else current_user, conference.owner_id)
