"""Who is who in a conference, decided on the server from the signed session only.

- the presenter: the house rule (`conference_app.access`): the signed-in owning student, or a coach of theirs;
- a follower: a participant whose token is in this browser's session and who was not removed;
- media reach a follower only for audience-safe work on a slide that has been shown.
"""
from datetime import timedelta

from flask import current_app, session
from flask_login import current_user
from sqlmodel import or_, select

from .. import access, db
from ..models import Conference, ItemKind, MediaFile, Participant, PortfolioItem, Slide, SlideVisit, utcnow
from . import conferences

SESSION_KEY = "joined"  # {conference id: participant token}


def may_present(conference: Conference, user=None) -> bool:
    return access.may_see_work(user if user is not None else current_user, conference.owner_id)


def conference_for_presenter(conference_id: int) -> Conference:
    """The conference if the signed-in user may run it; 404 otherwise (ids reveal nothing)."""
    return access.get_or_404(Conference, conference_id, may_present)


def remember_participant(conference: Conference, participant: Participant) -> None:
    joined = dict(session.get(SESSION_KEY, {}))
    joined[str(conference.id)] = participant.token
    session[SESSION_KEY] = joined


def participant_tokens() -> list[str]:
    """The tokens of every conference this browser joined: who this phone is, whatever its address."""
    return sorted(session.get(SESSION_KEY, {}).values())


def _joined_as(conference: Conference) -> Participant | None:
    """The participant this browser joined as; a place in a conference that ended more than
    FAMILY_FORM_HOURS ago (the closing form's time) is forgotten: the session ends with the conference."""
    joined = session.get(SESSION_KEY, {})
    token = joined.get(str(conference.id))
    if token is None:
        return None
    if conference.ended_at is not None and utcnow() - conference.ended_at > timedelta(
            hours=current_app.config["FAMILY_FORM_HOURS"]):
        session[SESSION_KEY] = {k: v for k, v in joined.items() if k != str(conference.id)}
        return None
    return conferences.participant_by_token(db.session(), conference.id, token)


def current_participant(conference: Conference) -> Participant | None:
    """This browser's participant in the conference, if it joined and was not removed."""
    participant = _joined_as(conference)
    return participant if participant and not participant.removed else None


def was_removed(conference: Conference) -> bool:
    participant = _joined_as(conference)
    return bool(participant and participant.removed)


AUDIENCE_VARIANTS = {"original", "thumb", "phone", "projector"}  # the work itself; not what is stored beside it


def follower_may_see_media(media: MediaFile, item: PortfolioItem) -> bool:
    """The media policy for audience phones: audience-safe work on a shown slide; a PDF only as the images of
    the pages that slide showed (one page, or every page when the slide is the whole document). Other files of
    an item (a spoken reflection) reach a phone only by the policy of the feature that keeps them."""
    if media.variant not in AUDIENCE_VARIANTS:
        return False
    if media.variant == "original" and item.kind not in (ItemKind.VIDEO, ItemKind.AUDIO):
        return False
    return item.audience_safe and follower_may_see_item(item.id, media.page)


def followed_conferences() -> list[Conference]:
    """The open conferences this browser takes part in (joined, not removed)."""
    joined = session.get(SESSION_KEY, {})
    s = db.session()
    out = []
    for conference_id, token in joined.items():
        conference = s.get(Conference, int(conference_id))
        if conference is None or not conference.is_open:
            continue
        participant = conferences.participant_by_token(s, conference.id, token)
        if participant is not None and not participant.removed:
            out.append(conference)
    return out


def shown_slide_ids(conference: Conference) -> set[int]:
    return set(db.session().exec(select(SlideVisit.slide_id).where(SlideVisit.conference_id == conference.id)))


def follower_may_see_item(item_id: int, page: int | None = None) -> bool:
    """Is this item (this page of it) on a shown slide of an open conference this browser takes part in?"""
    s = db.session()
    for conference in followed_conferences():
        shown = shown_slide_ids(conference)
        if not shown:
            continue
        query = select(Slide.id).where(Slide.id.in_(shown), Slide.item_id == item_id)
        if page is not None:
            query = query.where(or_(Slide.page.is_(None), Slide.page == page))
        if s.exec(query).first() is not None:
            return True
    return False
