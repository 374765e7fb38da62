"""The order of slides, kept consistent when two tabs (or two people) change it at once.

Every change runs in one transaction that first takes the presentation's row lock (an UPDATE:
a row lock on PostgreSQL, the write lock on SQLite), then reads the CURRENT order, applies the
change to it and renumbers positions 0..n-1. A client's stale view can only reorder what still
exists; it can never create a gap or a duplicate position.
"""
from sqlmodel import Session, select, update

from ..models import Presentation, Slide, utcnow


def _lock(s: Session, presentation_id: int) -> None:
    s.exec(update(Presentation).where(Presentation.id == presentation_id).values(updated_at=utcnow()))


def _current(s: Session, presentation_id: int) -> list[Slide]:
    return list(s.exec(select(Slide).where(Slide.presentation_id == presentation_id)
                       .order_by(Slide.position, Slide.id).execution_options(populate_existing=True)))


def _renumber(slides: list[Slide]) -> None:
    for position, slide in enumerate(slides):
        if slide.position != position:
            slide.position = position


def _apply(s: Session, presentation_id: int, change) -> list[Slide]:
    try:
        _lock(s, presentation_id)
        slides = _current(s, presentation_id)
        result = change(slides)
        _renumber(result)
        s.commit()
        return result
    except BaseException:
        s.rollback()
        raise


class Conflict(Exception):
    """The change would duplicate what is already there (a double submit, another tab)."""


def append(s: Session, presentation_id: int, new: list[Slide], refuse=None) -> list[Slide]:
    """Add slides at the end; raise Conflict (changing nothing) if refuse(current slides) is true."""
    def change(slides):
        if refuse is not None and refuse(slides):
            raise Conflict()
        for slide in new:
            s.add(slide)
        return slides + new
    return _apply(s, presentation_id, change)


def move_to(s: Session, presentation_id: int, slide_id: int, index: int) -> list[Slide]:
    """Move one slide to index (clamped) of the current order."""
    def change(slides):
        moving = next((sl for sl in slides if sl.id == slide_id), None)
        if moving is None:
            return slides
        rest = [sl for sl in slides if sl.id != slide_id]
        at = max(0, min(index, len(rest)))
        return rest[:at] + [moving] + rest[at:]
    return _apply(s, presentation_id, change)


def move_by(s: Session, presentation_id: int, slide_id: int, delta: int) -> list[Slide]:
    """Move one slide up (-1) or down (+1) from where it is NOW."""
    def change(slides):
        ids = [sl.id for sl in slides]
        if slide_id not in ids:
            return slides
        i = ids.index(slide_id)
        j = max(0, min(i + delta, len(slides) - 1))
        slides.insert(j, slides.pop(i))
        return slides
    return _apply(s, presentation_id, change)


def remove(s: Session, presentation_id: int, slide_id: int) -> list[Slide]:
    def change(slides):
        keep = []
        for sl in slides:
            if sl.id == slide_id:
                s.delete(sl)
            else:
                keep.append(sl)
        return keep
    return _apply(s, presentation_id, change)


def reorder(s: Session, presentation_id: int, ids: list[int]) -> list[Slide]:
    """Full order as the client saw it, merged with the current one.

    Ids that no longer exist are dropped (another tab removed them); slides the client did not
    know about keep their place relative to each other at the end; a repeated id counts once.
    """
    def change(slides):
        by_id = {sl.id: sl for sl in slides}
        seen, result = set(), []
        for i in ids:
            if i in by_id and i not in seen:
                seen.add(i)
                result.append(by_id[i])
        return result + [sl for sl in slides if sl.id not in seen]
    return _apply(s, presentation_id, change)
