"""Spoken reflections: a recording (or an uploaded sound file) kept as a file of the item, variant "voice";
and the sound store that a self-assessment's spoken why uses too (`store`, `forget_files`).

It goes through the media pipeline like any upload (judged by its content, off the event loop); a browser's
recording is WebM or Ogg (Opus) or MP4 (Safari). One per item: a new one replaces the old, files included.
"""
from pathlib import Path

from flask import current_app, has_request_context, request
from flask_babel import gettext as _
from sqlmodel import Session, select

from ..media.pipeline import Rejected, ingest, remove_folder
from ..models import ItemKind, MediaFile, PortfolioItem, SpokenReflection

MAX_BYTES = 20 * 1024 * 1024  # about 20 minutes of speech in Opus
VARIANT = "voice"
AUDIO_MIME = {"video/webm": "audio/webm", "video/mp4": "audio/mp4", "video/quicktime": "audio/mp4"}


def _root() -> Path:
    return Path(current_app.config["MEDIA_ROOT"])


def of_item(s: Session, item_id: int) -> tuple[SpokenReflection, MediaFile] | None:
    row = s.exec(select(SpokenReflection, MediaFile).join(MediaFile, MediaFile.id == SpokenReflection.media_id)
                 .where(SpokenReflection.item_id == item_id)).first()
    return tuple(row) if row else None


def store(s: Session, item: PortfolioItem, stream, variant: str) -> MediaFile:
    """Check, clean and store a sound as a file of the item (added to the session, not committed). Raises
    Rejected (nothing kept); on any later failure the caller calls `forget_files`."""
    if has_request_context() and (request.content_length or 0) > MAX_BYTES + 64 * 1024:  # (the other fields are small)
        raise Rejected(_("A spoken reflection can be at most %(mb)s MB (some 20 minutes). Record a shorter one.",
                         mb=max(1, MAX_BYTES // (1024 * 1024))), 413)
    config = current_app.config
    result = ingest(stream, _root(), config["MEDIA_WORKER_MEMORY_MB"], config["MEDIA_WORKERS"])
    if result.kind not in (ItemKind.AUDIO, ItemKind.VIDEO):
        remove_folder(_root(), result.folder)
        raise Rejected(_("That is not a sound recording. Record again, or choose a sound file (MP3, M4A, OGG, "
                         "WAV or WebM)."), 415)
    stored = result.files[0]
    media = MediaFile(item_id=item.id, variant=variant, path=stored.path,
                      mime=AUDIO_MIME.get(stored.mime, stored.mime), size=stored.size)
    s.add(media)
    return media


def forget_files(paths: list[str]) -> None:
    """Take these stored files' folders off the disk (after their rows are gone, or were never kept)."""
    for path in paths:
        remove_folder(_root(), Path(path).parts[0])


def keep(s: Session, item: PortfolioItem, stream) -> SpokenReflection:
    """Store the sound as the item's spoken reflection. Raises Rejected (nothing kept)."""
    media = store(s, item, stream, VARIANT)
    try:
        old = of_item(s, item.id)
        on_slide = old is not None and old[0].on_slide
        old_path = old[1].path if old is not None else None
        if old is not None:
            _forget(s, *old)
        s.flush()
        spoken = SpokenReflection(item_id=item.id, media_id=media.id, on_slide=on_slide)
        s.add(spoken)
        s.commit()
    except BaseException:
        s.rollback()
        forget_files([media.path])
        raise
    if old_path is not None:
        forget_files([old_path])
    return spoken


def _forget(s: Session, spoken: SpokenReflection, media: MediaFile) -> None:
    s.delete(spoken)
    s.flush()
    s.delete(media)
    s.flush()


def remove(s: Session, item: PortfolioItem) -> None:
    """The spoken reflection goes, its file from the disk too."""
    found = of_item(s, item.id)
    if found is None:
        return
    spoken, media = found
    path = media.path
    _forget(s, spoken, media)
    s.commit()
    forget_files([path])


def set_on_slide(s: Session, item: PortfolioItem, on: bool) -> SpokenReflection | None:
    found = of_item(s, item.id)
    if found is None:
        return None
    found[0].on_slide = on
    s.commit()
    return found[0]


def on_slides(s: Session, item_ids: list[int]) -> dict[int, MediaFile]:
    """The spoken reflections the students chose to play on the slides of these items."""
    if not item_ids:
        return {}
    rows = s.exec(select(SpokenReflection.item_id, MediaFile).join(MediaFile, MediaFile.id == SpokenReflection.media_id)
                  .where(SpokenReflection.item_id.in_(item_ids), SpokenReflection.on_slide))
    return dict(rows.all())
