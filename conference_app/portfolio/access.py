"""Who may see and change portfolio items: the house rule (`conference_app.access`) plus privacy.

- the owning student sees and changes all of their items;
- a coach of the owner sees the items that are not private, and approves flagged ones;
- nobody else sees them.
"""
from sqlmodel import select

from .. import access
from ..models import PortfolioItem, User, Visibility


def can_see_portfolio(viewer: User, owner: User) -> bool:
    return owner.is_student and access.may_see_work(viewer, owner.id)


def can_view(viewer: User, item: PortfolioItem) -> bool:
    if access.is_owner(viewer, item.owner_id):
        return True
    return item.visibility != Visibility.PRIVATE and access.coaches(viewer, item.owner_id)


def can_edit(viewer: User, item: PortfolioItem) -> bool:
    return access.may_change_work(viewer, item.owner_id)


def can_approve(viewer: User, item: PortfolioItem) -> bool:
    return item.visibility != Visibility.PRIVATE and access.coaches(viewer, item.owner_id)


def visible_items(viewer: User, owner: User):
    """The select() of owner's items that viewer may see, newest work first."""
    query = select(PortfolioItem).where(PortfolioItem.owner_id == owner.id)
    if viewer.id != owner.id:
        query = query.where(PortfolioItem.visibility != Visibility.PRIVATE)
    return query.order_by(PortfolioItem.made_on.desc(), PortfolioItem.id.desc())


def item_or_404(item_id: int, viewer: User) -> PortfolioItem:
    """The item if viewer may see it; otherwise 404, so that ids reveal nothing."""
    return access.get_or_404(PortfolioItem, item_id, lambda item: can_view(viewer, item))
