"""Response compression (Flask-Compress): text is compressed, media and Range requests are not, and the
Vary header keeps both HX-Request and Accept-Encoding."""
import gzip
from pathlib import Path

import brotli
import pytest
from sqlmodel import select

from conference_app import db, static_files
from conference_app.models import MediaFile

GZIP = {"Accept-Encoding": "gzip"}


def vary(response) -> set[str]:
    return {v.strip().lower() for v in response.headers.get("Vary", "").split(",") if v.strip()}


@pytest.mark.parametrize("path", ["/static/vendor/htmx-2.0.11.min.js", "/static/css/app.css", "/login"])
def test_text_is_compressed_and_varies_on_both_headers(client, path):
    with client.get(path) as plain, client.get(path, headers=GZIP) as packed:
        check(path, plain, packed)


def test_static_files_do_not_vary_on_the_cookie(client, make, login_as):
    """A page's response varies on the session cookie; a static file must not, whoever asks (else a phone
    revalidates every file it prefetched once joining sets its cookie), and it sets no cookie."""
    login_as(make.student("amara"))
    with client.get("/static/js/live.js") as static, client.get("/portfolio/") as page:
        assert "cookie" not in vary(static) and "Set-Cookie" not in static.headers
        assert "cookie" in vary(page)


def check(path, plain, packed):
    assert packed.status_code == plain.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers
    body = gzip.decompress(packed.get_data())
    if path.startswith("/static"):
        assert body == plain.get_data()
    assert len(packed.get_data()) < len(body) / 2
    assert {"hx-request", "accept-encoding"} <= vary(packed)
    assert {"hx-request", "accept-encoding"} <= vary(plain)


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_a_static_file_is_compressed_once_whoever_asks(client, monkeypatch, encoding):
    """Every new phone asks for the same files at nine o'clock: compressed the first time, then sent as
    they are; a browser holding the compressed copy gets a 304."""
    calls = []
    real = static_files._compress
    monkeypatch.setattr(static_files, "_compress", lambda *args: calls.append(args) or real(*args))
    monkeypatch.setattr(static_files, "_bodies", {})
    path = "/static/js/live.js"
    answers = [client.get(path, headers={"Accept-Encoding": "gzip, deflate, br" if encoding == "br" else "gzip"})
               for _ in range(3)]
    assert len(calls) == 1
    original = (Path(client.application.static_folder) / "js/live.js").read_bytes()
    for answer in answers:
        assert answer.status_code == 200 and answer.headers["Content-Encoding"] == encoding
        assert (brotli.decompress(answer.data) if encoding == "br" else gzip.decompress(answer.data)) == original
        assert int(answer.headers["Content-Length"]) == len(answer.data) < len(original)
        assert "accept-encoding" in vary(answer)
    etag = answers[0].headers["ETag"]
    assert etag.endswith(f':{encoding}"')
    again = client.get(path, headers={"Accept-Encoding": encoding, "If-None-Match": etag})
    assert again.status_code == 304 and not again.data


def test_range_requests_are_never_compressed(client):
    with client.get("/static/vendor/htmx-2.0.11.min.js", headers={**GZIP, "Range": "bytes=0-99"}) as r:
        assert r.status_code == 206
        assert "Content-Encoding" not in r.headers
        assert len(r.get_data()) == 100


def test_media_files_are_not_compressed_and_answer_ranges(app, make, login_as):
    student = make.student()
    make.image_item(student)
    with app.app_context():
        media = db.session().exec(select(MediaFile).where(MediaFile.variant == "phone")).first()
    c = login_as(student)
    with c.get(f"/media/{media.id}", headers=GZIP) as whole, \
            c.get(f"/media/{media.id}", headers={**GZIP, "Range": "bytes=0-9"}) as part:
        assert whole.status_code == 200 and "Content-Encoding" not in whole.headers
        assert part.status_code == 206 and "Content-Encoding" not in part.headers
        assert part.get_data() == whole.get_data()[:10]
