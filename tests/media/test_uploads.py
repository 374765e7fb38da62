"""Uploads through the real route and the real pipeline (Pillow, pillow-heif, pdfium)."""
import io
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from sqlmodel import select

from conference_app import db
from conference_app.models import ItemKind, MediaFile, PortfolioItem
from conference_app.media import pipeline
from tests.helpers import jpeg_bytes, pdf_bytes

HX = {"HX-Request": "true"}


@pytest.fixture
def student(make):
    return make.student("ada")


@pytest.fixture
def as_student(login_as, student):
    return login_as(student)


def upload(client, name, data, htmx=True):
    return client.post("/portfolio/upload", data={"files": (io.BytesIO(data), name)},
                       headers=HX if htmx else {}, content_type="multipart/form-data")


def stored(app, variant=None):
    with app.app_context():
        q = select(MediaFile)
        if variant:
            q = q.where(MediaFile.variant == variant)
        return list(db.session().exec(q))


def item_count(app):
    with app.app_context():
        return len(db.session().exec(select(PortfolioItem)).all())


def media_files(app) -> list[Path]:
    return [p for p in Path(app.config["MEDIA_ROOT"]).rglob("*") if p.is_file()]


def gps_rotated_jpeg() -> bytes:
    """60x40, top half red, bottom half blue; EXIF says rotate 90° clockwise; GPS on board."""
    img = Image.new("RGB", (60, 40), (255, 0, 0))
    img.paste((0, 0, 255), (0, 20, 60, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneCo"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 39.0)
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif, quality=95)
    return buf.getvalue()


def test_jpeg_with_gps_and_rotation_is_stored_upright_and_clean(app, as_student):
    data = gps_rotated_jpeg()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the input has GPS
    response = upload(as_student, "holiday.jpg", data)
    assert response.status_code == 201, response.text
    files = stored(app)
    assert {f.variant for f in files} == {"original", "thumb", "phone", "projector"}
    for f in files:
        path = Path(app.config["MEDIA_ROOT"]) / f.path
        raw = path.read_bytes()
        img = Image.open(io.BytesIO(raw))
        assert not img.getexif(), f.variant
        assert "exif" not in img.info and "xmp" not in img.info and "icc_profile" not in img.info
        assert b"PhoneCo" not in raw and b"Exif" not in raw
        assert img.size[1] > img.size[0], f"{f.variant} is not upright: {img.size}"
        rgb = img.convert("RGB")
        w, h = rgb.size
        right, left = rgb.getpixel((w * 3 // 4, h // 2)), rgb.getpixel((w // 4, h // 2))
        assert right[0] > 200 and right[2] < 60, "top of the photo must end up on the right"
        assert left[2] > 200 and left[0] < 60
    assert {f.mime for f in files if f.variant != "original"} == {"image/webp"}


def test_heic_from_an_iphone_is_accepted(app, as_student):
    buf = io.BytesIO()
    Image.new("RGB", (80, 60), (10, 120, 90)).save(buf, "HEIF")
    response = upload(as_student, "IMG_0001.HEIC", buf.getvalue())
    assert response.status_code == 201, response.text
    original = stored(app, "original")[0]
    assert original.mime == "image/jpeg" and (original.width, original.height) == (80, 60)
    with Image.open(Path(app.config["MEDIA_ROOT"]) / stored(app, "phone")[0].path) as phone:
        assert phone.format == "WEBP"


def test_png_decompression_bomb_is_refused(app, as_student):
    buf = io.BytesIO()
    Image.new("1", (12000, 12000)).save(buf, "PNG")  # 144 megapixels in a few kilobytes
    assert len(buf.getvalue()) < 200_000
    response = upload(as_student, "bomb.png", buf.getvalue())
    assert response.status_code == 413
    assert "too large in pixels" in response.text
    assert item_count(app) == 0 and media_files(app) == []


def test_html_named_jpg_is_refused(app, as_student):
    response = upload(as_student, "cat.jpg", b"<!doctype html><script>alert(1)</script>")
    assert response.status_code == 415
    assert "not a supported type" in response.text
    assert item_count(app) == 0 and media_files(app) == []


def test_truncated_jpeg_is_refused_as_damaged(app, as_student):
    data = jpeg_bytes((400, 300))
    response = upload(as_student, "cut.jpg", data[: len(data) // 2])
    assert response.status_code == 422
    assert "damaged" in response.text
    assert item_count(app) == 0 and media_files(app) == []


def multipart(name: str, data: bytes) -> tuple[bytes, str]:
    """A multipart body in memory (the test client spools large ones to a file it never closes)."""
    boundary = "xYzBoundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_oversized_upload_gets_a_readable_413(app, as_student):
    body, ctype = multipart("huge.jpg", b"\xff\xd8" + b"0" * (6 * 1024 * 1024))
    response = as_student.post("/portfolio/upload", data=body, content_type=ctype)
    assert response.status_code == 413
    assert "That file is too large" in response.text and "5 MB" in response.text
    assert "<html" in response.text  # a page, not a bare error
    fragment = as_student.post("/portfolio/upload", data=body, content_type=ctype, headers=HX)
    assert fragment.status_code == 413 and "<html" not in fragment.text
    assert item_count(app) == 0


def test_pdf_gets_page_images(app, as_student):
    pages = [Image.new("RGB", (595, 842), c) for c in ("white", "yellow", "lightblue")]
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:])
    response = upload(as_student, "report.pdf", buf.getvalue())
    assert response.status_code == 201, response.text
    files = stored(app)
    assert [f.mime for f in files if f.variant == "original"] == ["application/pdf"]
    for page in (1, 2, 3):
        variants = {f.variant for f in files if f.page == page}
        assert variants == {"thumb", "phone", "projector"}
    projector = [f for f in files if f.variant == "projector" and f.page == 2][0]
    with Image.open(Path(app.config["MEDIA_ROOT"]) / projector.path) as rendered:
        img = rendered.convert("RGB")
    assert img.getpixel((img.width // 2, img.height // 2))[2] < 100  # yellow page, rendered
    with app.app_context():
        assert db.session().exec(select(PortfolioItem)).one().kind == ItemKind.DOCUMENT


def test_a_page_too_long_for_a_slide_is_refused_with_why(app, as_student):
    response = upload(as_student, "scroll.pdf", pdf_bytes([(595, 842), (595, 100_000)]))
    assert response.status_code == 422
    assert "Page 2 of this PDF is 595 × 100,000 points: too long or too wide" in response.text
    assert item_count(app) == 0 and media_files(app) == []


def test_a_large_pdf_page_is_drawn_within_the_pixel_budget():
    for width, height in ((595, 10_000), (14_400, 14_400), (595, 842)):
        scale = pipeline._page_scale(0, width, height)
        assert (width * scale) * (height * scale) <= pipeline.MAX_PAGE_PIXELS * 1.001
        assert width * scale <= 1920.5
    assert pipeline._page_scale(0, 595, 842) == pytest.approx(1920 / 595)  # an A4 page: projector width


def test_a_tall_pdf_page_is_scaled_down_and_stored(app, as_student):
    response = upload(as_student, "poster.pdf", pdf_bytes([(595, 10_000)]))
    assert response.status_code == 201, response.text
    projector = [f for f in stored(app) if f.variant == "projector"][0]
    assert projector.height <= 1080 and projector.page == 1


def test_a_pdf_of_thousands_of_pages_gets_the_first_pages_as_slides(app, as_student):
    response = upload(as_student, "huge.pdf", pdf_bytes([(100, 140)] * 3000))  # small pages: quick to draw
    assert response.status_code == 201, response.text
    assert f"Only the first {pipeline.MAX_PDF_PAGES} of 3000 pages became slides." in response.text
    assert len({f.page for f in stored(app) if f.page}) == pipeline.MAX_PDF_PAGES


def test_an_upload_past_the_memory_ceiling_is_refused_with_a_clear_message(app, as_student):
    app.config["MEDIA_WORKER_MEMORY_MB"] = 200  # the worker cannot even decode a 12-megapixel photo in this
    response = upload(as_student, "big.jpg", jpeg_bytes((4000, 3000)))
    assert response.status_code == 413
    assert "more memory" in response.text and "server allows" in response.text
    assert item_count(app) == 0 and media_files(app) == []


def test_a_full_disk_is_a_507_that_says_to_tell_the_school_office(app, as_student, monkeypatch):
    """A disk we cannot fill in a test: the copy into the media folder fails as a full disk does."""
    import errno
    import shutil

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfileobj", full)
    response = upload(as_student, "photo.jpg", jpeg_bytes())
    assert response.status_code == 507
    assert "cannot store files right now" in response.text and "tell the school office" in response.text
    assert "Your work is safe" not in response.text
    assert item_count(app) == 0 and media_files(app) == []


def test_damaged_pdf_is_refused(app, as_student):
    response = upload(as_student, "broken.pdf", b"%PDF-1.7\n1 0 obj<<>>garbage")
    assert response.status_code == 422 and "PDF" in response.text
    assert item_count(app) == 0 and media_files(app) == []


MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 40


def test_a_video_without_metadata_is_stored_as_uploaded(app, as_student):
    assert upload(as_student, "clip.mp4", MP4).status_code == 201
    (original,) = stored(app)
    assert original.mime == "video/mp4" and original.size == len(MP4)
    assert (Path(app.config["MEDIA_ROOT"]) / original.path).read_bytes() == MP4
    with app.app_context():
        assert db.session().exec(select(PortfolioItem)).one().kind == ItemKind.VIDEO


def test_media_is_served_with_ranges_and_nosniff(app, as_student):
    upload(as_student, "clip.mp4", MP4)
    (original,) = stored(app)
    response = as_student.get(f"/media/{original.id}", headers={"Range": "bytes=10-19"})
    assert response.status_code == 206
    assert response.data == MP4[10:20]
    assert response.headers["Content-Range"] == f"bytes 10-19/{len(MP4)}"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Type"] == "video/mp4"
    assert "private" in response.headers["Cache-Control"]
    response.close()


def test_several_files_at_once_keep_the_good_and_explain_the_bad(app, as_student):
    response = as_student.post("/portfolio/upload", headers=HX, content_type="multipart/form-data", data={
        "files": [(io.BytesIO(jpeg_bytes()), "good.jpg"), (io.BytesIO(b"not an image"), "bad.png")]})
    assert response.status_code == 201
    assert "bad.png" in response.text and "not a supported type" in response.text
    assert item_count(app) == 1
    with app.app_context():
        assert db.session().exec(select(PortfolioItem)).one().title == "good"


def test_failed_upload_without_javascript_shows_the_page_with_the_reason(app, as_student):
    response = upload(as_student, "notes.jpg", b"hello", htmx=False)
    assert response.status_code == 415
    assert "My portfolio" in response.text and "notes.jpg" in response.text


def test_empty_file_is_refused(app, as_student):
    response = upload(as_student, "empty.jpg", b"")
    assert response.status_code == 422 and "empty" in response.text


def test_deleting_an_item_removes_its_files(app, as_student):
    upload(as_student, "a.jpg", jpeg_bytes())
    assert len(media_files(app)) == 4
    item_id = stored(app)[0].item_id
    assert as_student.post(f"/portfolio/items/{item_id}/delete").status_code == 303
    assert media_files(app) == [] and stored(app) == [] and item_count(app) == 0


def test_a_stored_pdf_keeps_no_document_metadata(app, as_student):
    import pikepdf

    buf = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf_bytes([(595, 842)]))) as pdf:
        pdf.docinfo["/Author"] = "Amara Okafor"
        pdf.docinfo["/Producer"] = "SchoolWriter 9"
        with pdf.open_metadata() as meta:
            meta["dc:creator"] = ["Amara Okafor"]
        pdf.save(buf)
    assert b"Amara Okafor" in buf.getvalue()
    response = upload(as_student, "essay.pdf", buf.getvalue())
    assert response.status_code == 201, response.text
    original = [f for f in stored(app, "original")][0]
    data = (Path(app.config["MEDIA_ROOT"]) / original.path).read_bytes()
    assert b"Amara" not in data and b"SchoolWriter" not in data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/Info" not in pdf.trailer and "/Metadata" not in pdf.Root
        assert len(pdf.pages) == 1


def test_an_uploads_body_is_parsed_beside_the_event_loop(app, as_student, monkeypatch):
    """Under gevent, Werkzeug's multipart parser (pure Python, tens of milliseconds for a photo) runs in a
    thread beside the loop: here, where `off_loop` runs it (a thread of its own), and the photo arrives whole."""
    import threading

    from conference_app import lanes

    parsed_in = []
    real_parse = lanes._parse

    def in_a_thread(call, *args):
        answer = []
        thread = threading.Thread(target=lambda: answer.append(call(*args)))
        thread.start()
        thread.join()
        return answer[0]

    monkeypatch.setattr(lanes, "_serving_with_gevent", lambda: True)
    monkeypatch.setattr(lanes, "off_loop", in_a_thread)
    monkeypatch.setattr(pipeline, "off_loop", lambda call, *args: call(*args))
    monkeypatch.setattr(lanes, "_parse", lambda *args: parsed_in.append(threading.get_ident()) or real_parse(*args))
    photo = jpeg_bytes(size=(64, 48))
    answer = upload(as_student, "photo.jpg", photo)
    assert answer.status_code == 201
    assert parsed_in and parsed_in[0] != threading.get_ident()
    assert len(stored(app)) >= 1
