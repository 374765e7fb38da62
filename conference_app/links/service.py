"""Making, finding, withdrawing and logging private links. Only the SHA-256 of a token is stored: the link
itself is shown once, to the person it is made for."""
import hashlib
import secrets
from datetime import UTC, timedelta

from sqlmodel import Session, func, select

from ..models import LinkOpening, PrivateLink, PrivateLinkItem, utcnow

MAX_DAYS = 365


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def make(s: Session, kind: str, student_id: int, days: int, *, conference_id: int | None = None,
         participant_id: int | None = None, label: str = "", created_by_id: int | None = None,
         item_ids: list[int] = ()) -> tuple[PrivateLink, str]:
    """A new link and its token (the only time the token exists outside the reader's hands)."""
    token = secrets.token_urlsafe(24)
    link = PrivateLink(token_hash=_hash(token), kind=kind, student_id=student_id, conference_id=conference_id,
                       participant_id=participant_id, label=label, created_by_id=created_by_id,
                       expires_at=utcnow() + timedelta(days=max(1, min(days, MAX_DAYS))))
    s.add(link)
    s.flush()
    s.add_all([PrivateLinkItem(link_id=link.id, item_id=i) for i in item_ids])
    s.commit()
    return link, token


def _aware(moment):
    """SQLite gives back naive datetimes (stored in UTC)."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def is_valid(link: PrivateLink) -> bool:
    return link.withdrawn_at is None and _aware(link.expires_at) > utcnow()


def status(link: PrivateLink) -> str:
    if link.withdrawn_at is not None:
        return "withdrawn"
    return "open" if is_valid(link) else "expired"


def find(s: Session, token: str, kind: str) -> PrivateLink | None:
    """The link of this token and kind, valid or not (the caller says why a stale one is refused)."""
    if not token or len(token) > 64:
        return None
    return s.exec(select(PrivateLink).where(PrivateLink.token_hash == _hash(token), PrivateLink.kind == kind)).first()


def log_opening(s: Session, link: PrivateLink) -> None:
    s.add(LinkOpening(link_id=link.id))
    s.commit()


def withdraw(s: Session, link: PrivateLink) -> None:
    if link.withdrawn_at is None:
        link.withdrawn_at = utcnow()
        s.commit()


def of_student(s: Session, student_id: int, kind: str, conference_id: int | None = None) -> list[PrivateLink]:
    q = select(PrivateLink).where(PrivateLink.student_id == student_id, PrivateLink.kind == kind)
    if conference_id is not None:
        q = q.where(PrivateLink.conference_id == conference_id)
    return list(s.exec(q.order_by(PrivateLink.created_at.desc(), PrivateLink.id.desc())))


def openings(s: Session, link_ids: list[int]) -> dict[int, int]:
    if not link_ids:
        return {}
    return dict(s.exec(select(LinkOpening.link_id, func.count()).where(LinkOpening.link_id.in_(link_ids))
                       .group_by(LinkOpening.link_id)).all())


def item_ids_of(s: Session, link_id: int) -> list[int]:
    return list(s.exec(select(PrivateLinkItem.item_id).where(PrivateLinkItem.link_id == link_id)
                       .order_by(PrivateLinkItem.id)))

