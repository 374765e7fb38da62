"""Turn one uploaded file into clean stored files.

The type is read from the content, never from the name. Images are decoded in full
(so a truncated or forged file fails here, not on a phone), turned upright by their
EXIF orientation, converted to sRGB, and re-encoded without any metadata; derived
sizes are WebP. PDFs are re-saved without their document metadata (the Info dictionary
and XMP: author, software, sometimes names) by pikepdf, and each page is rendered to images
by pdfium so that a page can become a slide. Video and audio are stored as uploaded but for their metadata
(tags, encoder, dates, the place of recording), which `sound.py` takes out.
"""
from flask_babel import gettext as _, lazy_gettext as _l
import errno
import io
import logging
import secrets
import shutil
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import filetype
import pikepdf
import pillow_heif
import pypdfium2 as pdfium
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from ..lanes import off_loop
from ..models import ItemKind
from . import sound

log = logging.getLogger(__name__)

pillow_heif.register_heif_opener()

MAX_PIXELS = 50_000_000  # about 8,000 x 6,000: more than any phone camera takes
MAX_PDF_PAGES = 60
MAX_PAGE_PIXELS = 12_000_000  # a PDF page is drawn within this many pixels, however large the page
MAX_PAGE_ASPECT = 20  # a page longer than 20 times its width (or wider than 20 times its height) is refused
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

# Pillow format -> how we keep the cleaned original
IMAGE_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "HEIF": "JPEG"}
VIDEO_TYPES = {"video/mp4": "mp4", "video/webm": "webm", "video/quicktime": "mov", "video/x-m4v": "m4v"}
AUDIO_TYPES = {"audio/mpeg": "mp3", "audio/m4a": "m4a", "audio/mp4": "m4a", "audio/x-m4a": "m4a",
               "audio/ogg": "ogg", "audio/x-wav": "wav", "audio/wav": "wav"}
# (longest side box, WebP quality, WebP effort 0-6): phones get a small file, projectors a sharp one. The phone's
# image is the one a family's phone waits for on a slow network: the most effort, about a tenth smaller at the
# same quality for about 0.1 s more of a worker's time.
SIZES = {"thumb": ((480, 480), 70, 4), "phone": ((960, 1280), 72, 6), "projector": ((1920, 1080), 82, 4)}
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXT = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}

ACCEPT = ("image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif,video/mp4,video/webm,"
          "video/quicktime,audio/mpeg,audio/mp4,audio/x-m4a,.m4a,audio/ogg,audio/wav,.wav,application/pdf")


NOT_STORED = (_l("The school's server cannot store files right now, so this one was not kept. "
              "Please tell the school office; trying again will not help until they have fixed it."))
STORAGE_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM)


class Rejected(ValueError):
    """The upload cannot be kept; the message is for the student."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


@dataclass
class StoredFile:
    variant: str
    path: str  # relative to the media root
    mime: str
    size: int
    width: int | None = None
    height: int | None = None
    page: int | None = None


@dataclass
class Ingested:
    kind: str
    folder: str  # relative folder holding every file of this upload
    files: list[StoredFile] = field(default_factory=list)
    pages: int = 0
    note: str = ""


def ingest(stream, media_root: Path, memory_mb: int = 1536, workers: int = 2) -> Ingested:
    """Check, clean and store one upload. Raises Rejected; leaves nothing behind on failure.

    The file copy runs in a thread and the processing in a worker process (`worker.py`): neither on
    the server's event loop."""
    from . import worker

    folder = secrets.token_urlsafe(12)
    target = media_root / folder
    try:
        target.mkdir(parents=True)
        raw = target / "upload.tmp"
        size = off_loop(_copy, stream, raw)
        if size == 0:
            raise Rejected(_("The file is empty."))
        result = worker.process(raw, target, folder, memory_mb, workers)
        raw.unlink(missing_ok=True)
        return result
    except OSError as e:
        shutil.rmtree(target, ignore_errors=True)
        if e.errno in STORAGE_ERRORS:  # a full disk or a media folder that cannot be written
            raise Rejected(NOT_STORED, 507) from e
        raise
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise


def _copy(stream, raw: Path) -> int:
    with raw.open("wb") as out:
        shutil.copyfileobj(stream, out, 1024 * 1024)
    return raw.stat().st_size


def process(raw: Path, target: Path, folder: str) -> Ingested:
    """Judge the stored upload by its content and write its clean files (run by the worker process)."""
    with raw.open("rb") as f:
        head = f.read(8192)
    guess = filetype.guess(head)
    mime = guess.mime if guess else None
    if mime == "application/pdf":
        return _pdf(raw, target, folder)
    if mime in VIDEO_TYPES or mime in AUDIO_TYPES:
        kind = ItemKind.VIDEO if mime in VIDEO_TYPES else ItemKind.AUDIO
        ext = VIDEO_TYPES.get(mime) or AUDIO_TYPES[mime]
        name = f"original.{ext}"
        raw.rename(target / name)
        sound.strip(target / name, mime)
        stored = StoredFile("original", f"{folder}/{name}", mime, (target / name).stat().st_size)
        return Ingested(kind, folder, [stored])
    return _image(raw, target, folder)


def _open_image(raw: Path) -> tuple[Image.Image, str]:
    """Decode the whole image, refusing bombs, forgeries and damaged files."""
    try:
        return _decode(raw)
    except Rejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Rejected(_("This image is too large in pixels to process safely (the limit is %(n)s megapixels).",
                         n=MAX_PIXELS // 1_000_000), 413) from None
    except UnidentifiedImageError:
        raise Rejected(_("This is not a supported type of file. Add photos (JPEG, PNG, WebP, HEIC), "
                       "PDF documents, MP4/WebM video or MP3/M4A/OGG/WAV audio."), 415) from None
    except (OSError, SyntaxError, ValueError) as e:
        raise Rejected(_damaged(e, _("This picture looks damaged or incomplete (perhaps it did not finish copying) "
                                     "and could not be read. Save or export it again, then add it.")), 422) from e


def _decode(raw: Path) -> tuple[Image.Image, str]:
    img = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(raw)
            fmt = img.format
            if fmt not in IMAGE_FORMATS:
                raise Rejected(_("%(format)s images are not supported: use JPEG, PNG, WebP or HEIC.", format=fmt), 415)
            img.load()
            return img, fmt
    except BaseException:
        if img is not None:
            img.close()
        raise


def _damaged(e: Exception, message: str) -> str:
    """The person reads our own words; the library's (e.g. "image file is truncated") go to the log."""
    log.info("damaged upload: %s", str(e).split("\n")[0][:200] or e.__class__.__name__)
    return message


def _to_srgb(img: Image.Image) -> Image.Image:
    """Convert to plain RGB(A) in sRGB, so no colour profile needs to travel with the file."""
    icc = img.info.get("icc_profile")
    has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    img = img.convert("RGBA" if has_alpha else "RGB")
    if icc:
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            img = ImageCms.profileToProfile(img, src, ImageCms.createProfile("sRGB"),
                                            outputMode=img.mode)
        except (ImageCms.PyCMSError, OSError):
            pass  # a broken profile: keep the pixels as they are
    return img


def _clean(img: Image.Image) -> Image.Image:
    """A fresh image with the pixels only: upright, sRGB, no EXIF, XMP, GPS or comments."""
    upright = ImageOps.exif_transpose(img)
    pixels = _to_srgb(upright)
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    return clean


def _save(img: Image.Image, path: Path, fmt: str, quality: int, effort: int = 4) -> None:
    if fmt == "JPEG":
        img.convert("RGB").save(path, "JPEG", quality=quality, optimize=True, progressive=True)
    elif fmt == "PNG":
        img.save(path, "PNG", optimize=True)
    else:
        img.save(path, "WEBP", quality=quality, method=effort)


def _variants(img: Image.Image, target: Path, folder: str, page: int | None = None) -> list[StoredFile]:
    out = []
    suffix = f"-p{page}" if page else ""
    for variant, (box, quality, effort) in SIZES.items():
        copy = img.copy()
        copy.thumbnail(box, Image.Resampling.LANCZOS)
        name = f"{variant}{suffix}.webp"
        _save(copy, target / name, "WEBP", quality, effort)
        out.append(StoredFile(variant, f"{folder}/{name}", "image/webp", (target / name).stat().st_size,
                              copy.width, copy.height, page))
    return out


def _image(raw: Path, target: Path, folder: str) -> Ingested:
    img, fmt = _open_image(raw)
    clean = _clean(img)
    img.close()
    keep = IMAGE_FORMATS[fmt]
    if keep == "JPEG" and clean.mode == "RGBA":
        keep = "PNG"
    name = f"original.{EXT[keep]}"
    _save(clean, target / name, keep, 90)
    files = [StoredFile("original", f"{folder}/{name}", MIME[keep], (target / name).stat().st_size,
                        clean.width, clean.height)]
    files += _variants(clean, target, folder)
    return Ingested(ItemKind.IMAGE, folder, files)


def _pdf(raw: Path, target: Path, folder: str) -> Ingested:
    try:
        doc = pdfium.PdfDocument(str(raw))
        count = len(doc)
    except pdfium.PdfiumError as e:
        raise Rejected(_damaged(e, _("This PDF looks damaged or is password-protected and could not be opened. "
                                     "Save or export it again without a password, then add it."))) from e
    if count == 0:
        doc.close()
        raise Rejected(_("This PDF has no pages."))
    files = []
    try:
        for index in range(min(count, MAX_PDF_PAGES)):
            page = doc[index]
            bitmap = page.render(scale=_page_scale(index, page.get_width() or 595, page.get_height() or 842))
            image = bitmap.to_pil().convert("RGB")
            files += _variants(image, target, folder, page=index + 1)
            page.close()
    except pdfium.PdfiumError as e:
        raise Rejected(_damaged(e, _("A page of this PDF could not be drawn. Save or export it again, "
                                     "then add it."))) from e
    finally:
        doc.close()
    _strip_pdf(raw, target / "original.pdf")
    raw.unlink()
    files.insert(0, StoredFile("original", f"{folder}/original.pdf", "application/pdf",
                               (target / "original.pdf").stat().st_size))
    note = (_("Only the first %(n)s of %(count)s pages became slides.", n=MAX_PDF_PAGES, count=count)
            if count > MAX_PDF_PAGES else "")
    return Ingested(ItemKind.DOCUMENT, folder, files, pages=min(count, MAX_PDF_PAGES), note=note)


def _strip_pdf(raw: Path, out: Path) -> None:
    """Save the PDF again without document metadata: no Info dictionary, no XMP (document or page level)."""
    try:
        with pikepdf.open(raw) as pdf:
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            for holder in (pdf.Root, *(page.obj for page in pdf.pages)):
                if "/Metadata" in holder:
                    del holder["/Metadata"]
                if "/PieceInfo" in holder:
                    del holder["/PieceInfo"]
            pdf.save(out, deterministic_id=True)
    except pikepdf.PdfError as e:
        raise Rejected(_damaged(e, _("This PDF looks damaged and could not be stored. Save or export it again, "
                                     "then add it."))) from e


def _page_scale(index: int, width_pt: float, height_pt: float) -> float:
    """Projector width (1,920 px), never past 4x, and never past the page pixel budget: pdfium has no
    budget of its own (a 595 x 100,000 pt page at 1,920 px wide would be 322 megapixels)."""
    if max(width_pt, height_pt) > MAX_PAGE_ASPECT * min(width_pt, height_pt):
        raise Rejected(_("Page %(n)s of this PDF is %(width)s × %(height)s points: too long or too wide to show as a "
                         "slide. Split it into ordinary pages and try again.", n=index + 1,
                         width=format(width_pt, ",.0f"), height=format(height_pt, ",.0f")))
    return min(1920 / width_pt, 4.0, (MAX_PAGE_PIXELS / (width_pt * height_pt)) ** 0.5)


def remove_folder(media_root: Path, folder: str) -> None:
    if folder and "/" not in folder and ".." not in folder:
        shutil.rmtree(media_root / folder, ignore_errors=True)
