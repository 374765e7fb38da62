"""Response compression (Flask-Compress): text is compressed, media and Range requests are not, and the
Vary header keeps both HX-Request and Accept-Encoding."""
import gzip

import pytest
from sqlmodel import select

from conference_app import db
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
