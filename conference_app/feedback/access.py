"""Who may do what with feedback, decided on the server from the signed session only.

- a participant (token in this browser's session, not removed) sends feedback in their conference;
- the presenter (the owning student, or a coach of theirs: `live.access`) moderates it and sets what phones see;
- the coach panel (private notes, agreed actions) is for a signed-in coach of the student (`conference_app.access`);
- the closing form is for a family participant, after the end, for a while.
"""
from flask import abort
from flask_login import current_user

from .. import access, db
from ..live import conferences
from ..live.access import current_participant
from ..models import Conference, Participant


def participant_or_abort(code: str) -> tuple[Conference, Participant]:
    """The conference of this code and this browser's participant in it; 404 for anyone else."""
    conference = conferences.by_code(db.session(), code)
    participant = current_participant(conference) if conference else None
    if participant is None:
        abort(404)
    return conference, participant


def may_coach(conference: Conference, user=None) -> bool:
    return access.coaches(user if user is not None else current_user, conference.owner_id)


def conference_for_coach(conference_id: int) -> Conference:
    return access.get_or_404(Conference, conference_id, may_coach)
