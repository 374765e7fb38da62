"""Who may see and change portfolio items (DESIGN.md, "Who may do what").

- the owning student sees and changes all of their items;
- a coach of the owner sees the items that are not private, and approves flagged ones;
- nobody else sees them (admins included: they run accounts, not portfolios).
"""
from flask import abort
from sqlmodel import select

from .. import db
from ..auth.accounts import is_coach_of
from ..models import PortfolioItem, User, Visibility


def can_see_portfolio(viewer: User, owner: User) -> bool:
    if not viewer.is_authenticated or not owner.is_student:
        return False
    return viewer.id == owner.id or (viewer.is_coach and is_coach_of(db.session(), viewer.id, owner.id))


def can_view(viewer: User, item: PortfolioItem) -> bool:
    if not viewer.is_authenticated:
        return False
    if viewer.id == item.owner_id:
        return True
    return (viewer.is_coach and item.visibility != Visibility.PRIVATE
            and is_coach_of(db.session(), viewer.id, item.owner_id))


def can_edit(viewer: User, item: PortfolioItem) -> bool:
    return viewer.is_authenticated and viewer.id == item.owner_id


def can_approve(viewer: User, item: PortfolioItem) -> bool:
    return viewer.is_authenticated and viewer.is_coach and can_view(viewer, item)


def visible_items(viewer: User, owner: User):
    """The select() of owner's items that viewer may see, newest work first."""
    query = select(PortfolioItem).where(PortfolioItem.owner_id == owner.id)
    if viewer.id != owner.id:
        query = query.where(PortfolioItem.visibility != Visibility.PRIVATE)
    return query.order_by(PortfolioItem.made_on.desc(), PortfolioItem.id.desc())


def item_or_404(item_id: int, viewer: User) -> PortfolioItem:
    """The item if viewer may see it; otherwise 404, so that ids reveal nothing."""
    item = db.session().get(PortfolioItem, item_id)
    if item is None or not can_view(viewer, item):
        abort(404)
    return item
