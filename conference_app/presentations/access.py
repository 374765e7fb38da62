"""Who may see and change presentations: the house rule (`conference_app.access`).

- the owning student sees and changes their presentations;
- a coach of the owner views them and leaves rehearsal comments;
- nobody else sees them: they get a 404, so that ids reveal nothing.
"""
from flask import abort

from .. import access
from ..models import Presentation, Slide, User


def can_view(viewer: User, presentation: Presentation) -> bool:
    return access.may_see_work(viewer, presentation.owner_id)


def can_edit(viewer: User, presentation: Presentation) -> bool:
    return access.may_change_work(viewer, presentation.owner_id)


def can_comment(viewer: User, presentation: Presentation) -> bool:
    return access.coaches(viewer, presentation.owner_id)


def can_list(viewer: User, student: User) -> bool:
    """May viewer see the list of student's presentations?"""
    return student.is_student and access.may_see_work(viewer, student.id)


def presentation_or_404(presentation_id: int, viewer: User) -> Presentation:
    return access.get_or_404(Presentation, presentation_id, lambda pres: can_view(viewer, pres))


def editable_or_abort(presentation_id: int, viewer: User) -> Presentation:
    """The presentation if viewer owns it: 404 for strangers, 403 for the coach who may only look."""
    pres = presentation_or_404(presentation_id, viewer)
    if not can_edit(viewer, pres):
        abort(403)
    return pres


def slide_or_404(pres: Presentation, slide_id: int) -> Slide:
    """A slide of this presentation; a slide of another presentation is as good as unknown."""
    return access.get_or_404(Slide, slide_id, lambda slide: slide.presentation_id == pres.id)
