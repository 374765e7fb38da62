"""Portfolio items: created from uploads or forms, tagged, approved, deleted with their files."""
from flask_babel import gettext as _, lazy_gettext as _l
from pathlib import Path

from blinker import Namespace
from flask import current_app
from sqlmodel import Session, delete, select

from ..media.pipeline import Ingested, ingest, remove_folder
from ..models import ItemKind, ItemTag, MediaFile, PortfolioItem, User, utcnow

KIND_LABELS = {ItemKind.IMAGE: _l("Pictures"), ItemKind.VIDEO: _l("Videos"), ItemKind.AUDIO: _l("Audio"),
               ItemKind.DOCUMENT: _l("Documents"), ItemKind.WRITING: _l("Writing"), ItemKind.LINK: _l("Links")}


def _media_root() -> Path:
    return Path(current_app.config["MEDIA_ROOT"])


def title_from_filename(filename: str) -> str:
    stem = Path(filename or "").stem.replace("_", " ").replace("-", " ").strip()
    return " ".join(stem.split())[:200] or _("Untitled work")


def add_upload(s: Session, owner: User, stream, filename: str, **fields) -> tuple[PortfolioItem, Ingested]:
    """Store one uploaded file as a new item. Raises pipeline.Rejected; nothing is kept then."""
    config = current_app.config
    result = ingest(stream, _media_root(), config["MEDIA_WORKER_MEMORY_MB"], config["MEDIA_WORKERS"])
    try:
        item = PortfolioItem(owner_id=owner.id, kind=result.kind,
                             title=fields.pop("title", None) or title_from_filename(filename), **fields)
        s.add(item)
        s.flush()
        for f in result.files:
            s.add(MediaFile(item_id=item.id, variant=f.variant, page=f.page, path=f.path, mime=f.mime,
                            size=f.size, width=f.width, height=f.height))
        s.commit()
    except BaseException:
        s.rollback()
        remove_folder(_media_root(), result.folder)
        raise
    return item, result


def add_written(s: Session, owner: User, kind: str, **fields) -> PortfolioItem:
    item = PortfolioItem(owner_id=owner.id, kind=kind, **fields)
    s.add(item)
    s.commit()
    return item


def files_of(s: Session, item_id: int) -> list[MediaFile]:
    return list(s.exec(select(MediaFile).where(MediaFile.item_id == item_id)
                       .order_by(MediaFile.page, MediaFile.id)))


def thumbs_for(s: Session, item_ids: list[int]) -> dict[int, MediaFile]:
    """The thumbnail of each item (first page for a PDF), in one query."""
    if not item_ids:
        return {}
    rows = s.exec(select(MediaFile).where(MediaFile.item_id.in_(item_ids), MediaFile.variant == "thumb")
                  .order_by(MediaFile.page.desc()))
    return {m.item_id: m for m in rows}  # lowest page wins: ordered descending, later rows overwrite


def tags_for(s: Session, item_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {i: [] for i in item_ids}
    if item_ids:
        for t in s.exec(select(ItemTag).where(ItemTag.item_id.in_(item_ids)).order_by(ItemTag.name)):
            out[t.item_id].append(t.name)
    return out


def set_tags(s: Session, item: PortfolioItem, names: list[str]) -> None:
    s.exec(delete(ItemTag).where(ItemTag.item_id == item.id))
    for name in names:
        s.add(ItemTag(item_id=item.id, name=name))


#: Sent (the app as sender, `item_id=` and `owner_id=`) once a change to what an audience may see of an item is stored:
#: an edit (which also withdraws a coach's approval), an approval or a deletion. Live conferences
#: showing the item re-render their slides.
item_changed = Namespace().signal("item-changed")


def _changed(item_id: int, owner_id: int) -> None:
    item_changed.send(current_app._get_current_object(), item_id=item_id, owner_id=owner_id)


def update(s: Session, item: PortfolioItem, tags: list[str], **fields) -> None:
    for key, value in fields.items():
        setattr(item, key, value)
    if not item.shows_children:
        item.approved_at, item.approved_by_id = None, None
    item.updated_at = utcnow()
    set_tags(s, item, tags)
    s.commit()
    _changed(item.id, item.owner_id)


def approve(s: Session, item: PortfolioItem, coach: User) -> None:
    item.approved_at, item.approved_by_id = utcnow(), coach.id
    s.commit()
    _changed(item.id, item.owner_id)


def remove(s: Session, item: PortfolioItem) -> None:
    """Delete the item, its rows and its files on disk."""
    folders = {Path(f.path).parts[0] for f in files_of(s, item.id)}
    item_id, owner_id = item.id, item.owner_id
    s.delete(item)
    s.commit()
    _changed(item_id, owner_id)
    for folder in folders:
        remove_folder(_media_root(), folder)


def filtered(query, kind: str = "", tag: str = ""):
    """Narrow a select() of PortfolioItem to one kind and/or one tag (unknown kinds are ignored)."""
    if kind in set(ItemKind):
        query = query.where(PortfolioItem.kind == kind)
    tag = (tag or "").strip().lower()
    if tag:
        query = query.where(PortfolioItem.id.in_(select(ItemTag.item_id).where(ItemTag.name == tag)))
    return query


def all_tags(s: Session, visible) -> list[str]:
    """The tags of the items in `visible` (a select() of items the viewer may see: a coach's filter never
    names a tag that only a private item has)."""
    ids = visible.with_only_columns(PortfolioItem.id).order_by(None)
    return list(s.exec(select(ItemTag.name).where(ItemTag.item_id.in_(ids)).distinct().order_by(ItemTag.name)))
