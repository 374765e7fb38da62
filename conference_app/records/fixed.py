"""The record's own copy of what the audience saw, made when the conference ends (`fix`).

Titles, texts and the phone-size pictures (each shown PDF page's image) are copied into rows and files
the record owns, so that later edits, privacy changes or deletions of the work leave the record as it
was. Only a removal changes it: the student's, when deleting the work ("remove it from the records
too"), or a coach's redaction of one picture or text; both say who and when.
"""
import secrets
import shutil
from pathlib import Path

from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..live import conferences
from ..media.pipeline import remove_folder
from ..lanes import off_loop
from ..models import (Conference, ConferenceState, ItemKind, RecordFile, RecordSlide, SlideKind, SlideVisit,
                      utcnow)
from ..presentations.slides import SlideView


def _media_root() -> Path:
    return Path(current_app.config["MEDIA_ROOT"])


def is_fixed(s: Session, conference_id: int) -> bool:
    return s.exec(select(RecordSlide.id).where(RecordSlide.conference_id == conference_id).limit(1)).first() \
        is not None


def _pictures(view: SlideView):
    """The phone-size files the audience saw on this slide: the picture, or the PDF page(s)."""
    item = view.item
    if item is None or not view.shown or item.kind not in (ItemKind.IMAGE, ItemKind.DOCUMENT):
        return []
    pages = [None] if item.kind == ItemKind.IMAGE else (
        [view.slide.page] if view.slide.page is not None else view.pages)
    return [f for p in pages for f in view.files if f.variant == "phone" and f.page == p]


def _copy(view: SlideView, position: int) -> RecordSlide:
    sl, item = view.slide, view.item
    row = RecordSlide(position=position, kind=sl.kind, title=view.audience_title, body=sl.body, prompt=sl.prompt,
                      listing="\n".join(view.agenda or [g.text for g in view.goals]))
    if sl.kind == SlideKind.ITEM:
        row.item_id, row.item_kind = (item.id, item.kind) if item else (None, "")
        row.withheld = item is None or not view.shown
        if item is not None and view.shown:
            row.alt_text = item.alt_text or item.title
            row.writing = item.body if item.kind == ItemKind.WRITING else ""
            row.url = item.url if item.kind == ItemKind.LINK else ""
    return row


def _copy_files(root: Path, pairs: list[tuple[str, str]]) -> None:
    for source, target in pairs:
        (root / target).parent.mkdir(parents=True, exist_ok=True)
        if (root / source).is_file():
            shutil.copyfile(root / source, root / target)


def fix(s: Session, conference: Conference) -> None:
    """Fix the record of an ended conference, once (a second call, or a racing one, changes nothing)."""
    if conference.state != ConferenceState.ENDED or is_fixed(s, conference.id):
        return
    views = conferences.views_of(s, conference)
    shown = sorted(p for p in set(s.exec(select(SlideVisit.position)
                                         .where(SlideVisit.conference_id == conference.id))) if 0 <= p < len(views))
    folder = f"rec-{secrets.token_urlsafe(12)}"
    pairs, files = [], []
    for p in shown:
        row = _copy(views[p], p)
        row.conference_id = conference.id
        s.add(row)
        for f in _pictures(views[p]):
            target = f"{folder}/s{p}-p{f.page or 0}{Path(f.path).suffix}"
            pairs.append((f.path, target))
            files.append((row, RecordFile(page=f.page, path=target, mime=f.mime, width=f.width, height=f.height)))
    try:
        s.flush()
        for row, f in files:
            f.record_slide_id = row.id
            s.add(f)
        off_loop(_copy_files, _media_root(), pairs)  # file copies: off the event loop
        s.commit()
    except IntegrityError:  # another process fixed it first: theirs stands
        s.rollback()
        remove_folder(_media_root(), folder)
    except BaseException:
        s.rollback()
        remove_folder(_media_root(), folder)
        raise


def fix_ended_of(s: Session, owner_id: int) -> None:
    """Fix every ended conference of this student that is not fixed yet (records ended before this existed)."""
    fixed = select(RecordSlide.conference_id)
    for conference in s.exec(select(Conference).where(Conference.owner_id == owner_id,
                                                      Conference.state == ConferenceState.ENDED,
                                                      Conference.id.not_in(fixed))):
        fix(s, conference)


def _delete_files(rows: list[RecordFile]) -> None:
    root = _media_root()
    for f in rows:
        (root / f.path).unlink(missing_ok=True)


def _drop_pictures(s: Session, slide: RecordSlide) -> None:
    rows = list(s.exec(select(RecordFile).where(RecordFile.record_slide_id == slide.id)))
    for f in rows:
        s.delete(f)
    s.flush()
    off_loop(_delete_files, rows)


def redact(s: Session, slide: RecordSlide, part: str, by: str) -> None:
    """A coach removes the picture(s) or the text of one slide of a record; who and when stay."""
    now = utcnow()
    if part == "picture" and slide.picture_removed_at is None:
        _drop_pictures(s, slide)
        slide.picture_removed_by, slide.picture_removed_at = by, now
    elif part == "text" and slide.text_removed_at is None:
        slide.writing, slide.url, slide.body, slide.prompt, slide.listing = "", "", "", "", ""
        slide.text_removed_by, slide.text_removed_at = by, now
    s.commit()


def records_using(s: Session, item_id: int) -> list[RecordSlide]:
    return list(s.exec(select(RecordSlide).where(RecordSlide.item_id == item_id,
                                                 RecordSlide.work_removed_at.is_(None))))


def remove_work(s: Session, item_id: int, by: str) -> None:
    """The student deletes the work and removes it from the records too: its title, text and pictures go;
    "removed by … on …" stays."""
    now = utcnow()
    for slide in records_using(s, item_id):
        _drop_pictures(s, slide)
        slide.title, slide.alt_text, slide.writing, slide.url = "", "", "", ""
        slide.work_removed_by, slide.work_removed_at = by, now
    s.commit()


def pictures_of(s: Session, slide_ids: list[int]) -> dict[int, list[RecordFile]]:
    out: dict[int, list[RecordFile]] = {i: [] for i in slide_ids}
    if slide_ids:
        for f in s.exec(select(RecordFile).where(RecordFile.record_slide_id.in_(slide_ids))
                        .order_by(RecordFile.page, RecordFile.id)):
            out[f.record_slide_id].append(f)
    return out


def slides_of(s: Session, conference_id: int) -> list[RecordSlide]:
    return list(s.exec(select(RecordSlide).where(RecordSlide.conference_id == conference_id)
                       .order_by(RecordSlide.position)))
