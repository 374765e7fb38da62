"""Metadata out of sound and video files, in place, without touching the sound or the pictures.

Run by the media worker process (`pipeline.process`), never on the server's event loop. What goes:
- MP3: ID3v1, ID3v2 and APEv2 tags (title, artist, comments, pictures, encoder, dates), by mutagen.
- Ogg (Vorbis, Opus, Speex): every comment and the writer's "vendor" string, by mutagen.
- WAV: every chunk but the sound's own (`fmt `, `fact`, `data`): LIST/INFO, `id3 `, `bext`, iXML and the like.
- MP4, M4A, MOV (Safari's recordings, iPhone videos): the `udta` and `meta` boxes (iTunes-style tags, the
  encoder, the place where it was recorded) become `free` boxes of the same size, so that no offset moves, and
  the creation and modification times are zeroed.
- WebM/Matroska (Chrome's and Firefox's recordings): Tags, Attachments, Chapters, the title, the muxing and
  writing application, the date and the tracks' names become Void elements of the same size.
A file whose structure cannot be walked is refused (`Rejected`): nothing is kept with its metadata.
"""
from pathlib import Path

import mutagen
import mutagen.apev2
import mutagen.id3
import mutagen.mp3
from flask_babel import gettext as _

MP4_TYPES = ("video/mp4", "video/quicktime", "video/x-m4v", "audio/mp4", "audio/m4a", "audio/x-m4a")


class Damaged(ValueError):
    """The container cannot be walked: the file is refused rather than kept with its metadata."""


class Empty(ValueError):
    """A recording with no sound in it (a browser's recorder that heard nothing)."""


def strip(path: Path, mime: str) -> None:
    """Remove the metadata of the stored file at `path`, judged (by content) to be `mime`."""
    try:
        if mime == "audio/mpeg":
            _mp3(path)
        elif mime == "audio/ogg":
            _ogg(path)
        elif mime in ("audio/wav", "audio/x-wav"):
            _wav(path)
        elif mime in MP4_TYPES:
            _mp4(path)
        elif mime == "video/webm":
            _matroska(path)
    except Empty:
        from .pipeline import Rejected
        raise Rejected(_("Nothing was heard in this recording. Check the microphone and record again.")) from None
    except (Damaged, mutagen.MutagenError, EOFError, ValueError) as e:
        from .pipeline import Rejected
        raise Rejected(_("This sound or video file looks damaged and could not be cleaned of its details "
                         "(%(why)s).", why=str(e)[:80] or e.__class__.__name__)) from e


def _mp3(path: Path) -> None:
    mutagen.mp3.MP3(path)  # a stream of MPEG audio frames, or MutagenError
    mutagen.apev2.delete(path)  # first: an ID3v1 tag may sit after it, or before it
    mutagen.id3.delete(path, delete_v1=True, delete_v2=True)
    mutagen.apev2.delete(path)


def _ogg(path: Path) -> None:
    audio = mutagen.File(path)
    if audio is None or audio.tags is None:
        raise Damaged("unknown Ogg stream")
    audio.tags.clear()
    audio.tags.vendor = ""
    audio.save()


# ---- WAV: keep the sound's chunks only --------------------------------------------------------------------

WAV_KEEP = (b"fmt ", b"fact", b"data")


def _wav(path: Path) -> None:
    kept = path.with_suffix(".clean")
    with path.open("rb") as src, kept.open("wb") as out:
        head = src.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:] != b"WAVE":
            raise Damaged("not a RIFF WAVE file")
        out.write(b"RIFF\0\0\0\0WAVE")
        while True:
            chunk = src.read(8)
            if len(chunk) < 8:
                break
            name, size = chunk[:4], int.from_bytes(chunk[4:], "little")
            padded = size + (size & 1)
            if name in WAV_KEEP:
                out.write(chunk)
                left = padded
                while left:
                    block = src.read(min(left, 1024 * 1024))
                    if not block:  # a short last chunk (a recording cut off): keep what there is, evenly
                        if (padded - left) & 1:
                            out.write(b"\0")
                        break
                    out.write(block)
                    left -= len(block)
            else:
                src.seek(padded, 1)
        total = out.tell()
        out.seek(4)
        out.write((total - 8).to_bytes(4, "little"))
    kept.replace(path)


# ---- MP4 / QuickTime: boxes ---------------------------------------------------------------------------------

MP4_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf"}
MP4_DROP = {b"udta", b"meta", b"uuid", b"XMP_", b"ilst"}
MP4_TIMES = {b"mvhd", b"tkhd", b"mdhd"}


def _boxes(f, start: int, end: int, top: bool = False):
    """(type, box start, payload start, box end) of each box between start and end."""
    at = start
    while at + 8 <= end:
        f.seek(at)
        head = f.read(8)
        size, kind = int.from_bytes(head[:4], "big"), head[4:]
        payload = at + 8
        if size == 1:
            size = int.from_bytes(f.read(8), "big")
            payload += 8
        elif size == 0:
            size = end - at
        if size < payload - at or at + size > end:
            if top:  # a file cut short, or bytes after the last box: nothing more to walk
                return
            raise Damaged(f"box {kind!r} runs past its parent")
        yield kind, at, payload, at + size
        at += size


def _mp4(path: Path) -> None:
    with path.open("r+b") as f:
        end = f.seek(0, 2)
        _mp4_walk(f, 0, end, top=True)


def _mp4_walk(f, start: int, end: int, top: bool = False) -> None:
    for kind, at, payload, box_end in list(_boxes(f, start, end, top)):
        if kind in MP4_DROP:
            f.seek(at + 4)
            f.write(b"free")
            f.seek(payload)
            _zeros(f, box_end - payload)
        elif kind in MP4_TIMES:
            f.seek(payload)
            version = f.read(1)[0] if payload < box_end else 0
            width = 8 if version == 1 else 4
            if payload + 4 + 2 * width <= box_end:
                f.seek(payload + 4)
                f.write(b"\0" * (2 * width))  # creation and modification times
        elif kind in MP4_CONTAINERS:
            _mp4_walk(f, payload, box_end)


def _zeros(f, n: int) -> None:
    while n > 0:
        step = min(n, 1024 * 1024)
        f.write(b"\0" * step)
        n -= step


# ---- Matroska / WebM: EBML elements -----------------------------------------------------------------------

SEGMENT, CLUSTER, INFO, TRACKS, TRACK_ENTRY = 0x18538067, 0x1F43B675, 0x1549A966, 0x1654AE6B, 0xAE
MKV_DROP = {0x1254C367, 0x1941A469, 0x1043A770}  # Tags, Attachments, Chapters
INFO_DROP = {0x7BA9, 0x4D80, 0x5741, 0x4461}  # Title, MuxingApp, WritingApp, DateUTC
TRACK_DROP = {0x536E}  # a track's Name
CLUSTER_CHILDREN = {0xE7, 0xA3, 0xA0, 0xA7, 0xAB, 0x5854, 0xAF, 0xEC, 0xBF}
UNKNOWN = -1


def _vint(f, keep_marker: bool) -> tuple[int, int]:
    """(value, length in bytes) of the EBML variable-length integer at the file's position."""
    first = f.read(1)
    if not first:
        raise EOFError("the file ends inside an element")
    b = first[0]
    length = next((n for n in range(1, 9) if b & (0x80 >> (n - 1))), 0)
    if not length:
        raise Damaged("a broken element header")
    rest = f.read(length - 1)
    if len(rest) < length - 1:
        raise EOFError("the file ends inside an element")
    value = (b if keep_marker else b & (0xFF >> length)).to_bytes(1, "big") + rest
    number = int.from_bytes(value, "big")
    if not keep_marker and number == (1 << (7 * length)) - 1:
        number = UNKNOWN
    return number, length


def _elements(f, start: int, end: int, stop_unknown_at: set[int] | None = None):
    """(id, start, data start, end) of each element between start and end; an element of unknown size ends
    where the first element that cannot be its child begins (`stop_unknown_at`: the ids it can hold). A file
    cut short (a recording that was stopped hard) ends where it ends: nothing lies past it."""
    file_end = f.seek(0, 2)
    at = start
    while at < end:
        f.seek(at)
        try:
            ident, _n = _vint(f, True)
            size, _n = _vint(f, False)
        except EOFError:
            return
        data = f.tell()
        if stop_unknown_at is not None and ident not in stop_unknown_at:
            return
        if size == UNKNOWN:
            if ident != CLUSTER and ident != SEGMENT:
                raise Damaged("an element of unknown size")
            inner = end if ident == SEGMENT else _cluster_end(f, data, end)
            yield ident, at, data, inner
            at = inner
            continue
        if data + size > end:
            if end != file_end:
                raise Damaged("an element runs past its parent")
            size = end - data
        yield ident, at, data, data + size
        at = data + size


def _cluster_end(f, data: int, end: int) -> int:
    last = data
    for _ident, _at, _data, child_end in _elements(f, data, end, CLUSTER_CHILDREN):
        last = child_end
    return last


def _void(f, start: int, end: int) -> None:
    """Turn the element at [start, end) into a Void element of the same length, its content zeroed."""
    total = end - start
    length = min(8, total - 1)
    payload = total - 1 - length
    f.seek(start)
    f.write(b"\xec" + ((1 << (7 * length)) | payload).to_bytes(length, "big"))
    _zeros(f, payload)


def _matroska(path: Path) -> None:
    with path.open("r+b") as f:
        end = f.seek(0, 2)
        segments: list[tuple[int, int]] = []
        try:
            for ident, _at, data, seg_end in _elements(f, 0, end):
                if ident == SEGMENT:
                    segments.append((data, seg_end))
        except Damaged:
            if not segments:  # a header and nothing after it: a recorder that got no sound
                raise Empty() from None
            raise
        clusters = 0
        for data, seg_end in segments:
            for child, at, child_data, child_end in list(_elements(f, data, seg_end)):
                clusters += child == CLUSTER
                if child in MKV_DROP:
                    _void(f, at, child_end)
                elif child == INFO:
                    _void_children(f, child_data, child_end, INFO_DROP)
                elif child == TRACKS:
                    for entry, _e, entry_data, entry_end in list(_elements(f, child_data, child_end)):
                        if entry == TRACK_ENTRY:
                            _void_children(f, entry_data, entry_end, TRACK_DROP)
        if not clusters:
            raise Empty()


def _void_children(f, start: int, end: int, drop: set[int]) -> None:
    for ident, at, _data, child_end in list(_elements(f, start, end)):
        if ident in drop:
            _void(f, at, child_end)
