"""Who may see and change presentations (DESIGN.md, "Who may do what").

- the owning student sees and changes their presentations;
- a coach of the owner views them and leaves rehearsal comments;
- nobody else sees them (admins included): they get a 404, so that ids reveal nothing.
"""
from flask import abort

from .. import db
from ..auth.accounts import is_coach_of
from ..models import Presentation, Slide, User


def can_view(viewer: User, presentation: Presentation) -> bool:
    if not viewer.is_authenticated:
        return False
    if viewer.id == presentation.owner_id:
        return True
    return viewer.is_coach and is_coach_of(db.session(), viewer.id, presentation.owner_id)


def can_edit(viewer: User, presentation: Presentation) -> bool:
    return viewer.is_authenticated and viewer.id == presentation.owner_id


def can_comment(viewer: User, presentation: Presentation) -> bool:
    return viewer.is_authenticated and viewer.is_coach and can_view(viewer, presentation)


def can_list(viewer: User, student: User) -> bool:
    """May viewer see the list of student's presentations?"""
    if not viewer.is_authenticated or not student.is_student:
        return False
    return viewer.id == student.id or (viewer.is_coach and is_coach_of(db.session(), viewer.id, student.id))


def presentation_or_404(presentation_id: int, viewer: User) -> Presentation:
    pres = db.session().get(Presentation, presentation_id)
    if pres is None or not can_view(viewer, pres):
        abort(404)
    return pres


def editable_or_abort(presentation_id: int, viewer: User) -> Presentation:
    """The presentation if viewer owns it: 404 for strangers, 403 for the coach who may only look."""
    pres = presentation_or_404(presentation_id, viewer)
    if not can_edit(viewer, pres):
        abort(403)
    return pres


def slide_or_404(pres: Presentation, slide_id: int) -> Slide:
    """A slide of this presentation; a slide of another presentation is as good as unknown."""
    slide = db.session().get(Slide, slide_id)
    if slide is None or slide.presentation_id != pres.id:
        abort(404)
    return slide
