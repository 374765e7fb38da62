"""Iterations: an item marked as the next version of an earlier one (draft → second draft → final).

A chain is straight (each item has at most one earlier and one later version) and has no cycles. Deleting a
version in the middle links its neighbours, so the chain keeps going (a hook on every item delete).
"""
from flask_babel import gettext as _
from sqlalchemy import event, select as sa_select, update
from sqlmodel import Session, select

from ..models import ItemVersion, PortfolioItem


class VersionError(ValueError):
    """Why these two items cannot be linked; the message is for the student."""


def _links(s: Session, owner_id: int) -> tuple[dict[int, ItemVersion], dict[int, ItemVersion]]:
    """(link by its newer item, link by its earlier item) for one student."""
    rows = list(s.exec(select(ItemVersion).join(PortfolioItem, PortfolioItem.id == ItemVersion.item_id)
                       .where(PortfolioItem.owner_id == owner_id)))
    return {r.item_id: r for r in rows}, {r.earlier_id: r for r in rows}


def chain(s: Session, item: PortfolioItem) -> list[tuple[PortfolioItem, ItemVersion | None]]:
    """Every version of this item, earliest first, each with its link to the one before (None for the first)."""
    newer, earlier = _links(s, item.owner_id)
    first = item.id
    while first in newer:
        first = newer[first].earlier_id
    ids = [first]
    while ids[-1] in earlier:
        ids.append(earlier[ids[-1]].item_id)
    found = {i.id: i for i in s.exec(select(PortfolioItem).where(PortfolioItem.id.in_(ids)))}
    return [(found[i], newer.get(i)) for i in ids]


def link(s: Session, item: PortfolioItem, earlier: PortfolioItem, changed: str) -> ItemVersion:
    """Mark `item` as the next version of `earlier`, saying what changed."""
    if earlier.owner_id != item.owner_id or earlier.id == item.id:
        raise VersionError(_("Choose another piece of your own work."))
    newer, older = _links(s, item.owner_id)
    if item.id in newer:
        raise VersionError(_("This work already follows an earlier version: remove that link first."))
    if earlier.id in older:
        raise VersionError(_("That work already has a next version."))
    at = earlier.id
    while at in newer:  # walking back from the earlier one must not meet this item
        at = newer[at].earlier_id
        if at == item.id:
            raise VersionError(_("That would make a circle: it is already a later version of this work."))
    version = ItemVersion(item_id=item.id, earlier_id=earlier.id, changed=changed)
    s.add(version)
    s.commit()
    return version


def unlink(s: Session, item: PortfolioItem) -> None:
    """This item no longer follows an earlier version."""
    found = s.exec(select(ItemVersion).where(ItemVersion.item_id == item.id)).first()
    if found is not None:
        s.delete(found)
        s.commit()


def _keep_chain(_mapper, connection, target: PortfolioItem) -> None:
    """Before an item goes: the version after it follows the version before it (or nothing)."""
    t = ItemVersion.__table__
    before = connection.execute(sa_select(t.c.earlier_id, t.c.changed).where(t.c.item_id == target.id)).first()
    if before is None:
        return
    connection.execute(t.delete().where(t.c.item_id == target.id))
    connection.execute(update(t).where(t.c.earlier_id == target.id).values(earlier_id=before.earlier_id))


def init_app() -> None:
    if not event.contains(PortfolioItem, "before_delete", _keep_chain):
        event.listen(PortfolioItem, "before_delete", _keep_chain)


def latest_with_earlier(s: Session, owner_id: int, audience: bool = False) -> list[PortfolioItem]:
    """The last version of each of the student's chains, newest work first (`audience`: a shareable last
    version with a shareable earlier one)."""
    newer, older = _links(s, owner_id)
    ids = set(newer) | set(older)
    found = {i.id: i for i in s.exec(select(PortfolioItem).where(PortfolioItem.id.in_(list(ids) or [-1])))}
    out = []
    for item_id in newer:
        if item_id in older:  # not the last of its chain
            continue
        earlier, at = [], item_id
        while at in newer:
            at = newer[at].earlier_id
            earlier.append(found[at])
        if not audience or (found[item_id].audience_safe and any(i.audience_safe for i in earlier)):
            out.append(found[item_id])
    return sorted(out, key=lambda i: (i.made_on, i.id), reverse=True)


def candidates(s: Session, item: PortfolioItem) -> list[PortfolioItem]:
    """What this item may be marked as the next version of: the student's other work with no next version yet
    that is not already later than it (none, if it already follows one)."""
    newer, older = _links(s, item.owner_id)
    if item.id in newer:
        return []
    later, at = set(), item.id
    while at in older:
        at = older[at].item_id
        later.add(at)
    rows = s.exec(select(PortfolioItem).where(PortfolioItem.owner_id == item.owner_id, PortfolioItem.id != item.id)
                  .order_by(PortfolioItem.made_on.desc(), PortfolioItem.id.desc()))
    return [i for i in rows if i.id not in older and i.id not in later]
