"""Heavy uploads (a tall PDF, a PDF of thousands of pages, big photos) while another conference runs:
the uploads are scaled or refused with a clear message, and the other conference's phone keeps getting
every slide promptly (the work runs in worker processes, not on the server's event loop)."""
import io
import re
import threading
import time

from PIL import Image

from tests.helpers import pdf_bytes
from tests.live.clients import Phone, csrf, joined, signed_in


def _photo() -> bytes:
    base = Image.radial_gradient("L").resize((4000, 3000)).convert("RGB")
    buf = io.BytesIO()
    Image.blend(base, Image.effect_noise((4000, 3000), 50).convert("RGB"), 0.3).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def test_heavy_uploads_do_not_hold_up_another_conference(live_server, school, phones):
    amara = Phone(live_server, signed_in(live_server, "amara"), school.conference.id, view="presenter")
    mum = Phone(live_server, joined(live_server, school.conference.code, "Mum"), school.conference.id)
    phones.extend([amara, mum])
    mum.slide_at(0)
    leo = signed_in(live_server, "leo")  # another student, uploading meanwhile
    token = csrf(leo.page("/portfolio/").text)
    files = [("scroll.pdf", pdf_bytes([(595, 100_000)])), ("book.pdf", pdf_bytes([(100, 140)] * 3000)),
             ("photo-1.jpg", _photo()), ("photo-2.jpg", _photo())]
    answers = {}

    def upload(name, data):
        answers[name] = leo.post(f"{live_server.url}/portfolio/upload", files={"files": (name, data)},
                                 headers={"X-CSRFToken": token, "HX-Request": "true"}, timeout=120)

    uploads = [threading.Thread(target=upload, args=f) for f in files]
    for thread in uploads:
        thread.start()
    waits = []
    position = 0
    while any(thread.is_alive() for thread in uploads) or position < 4:
        position = position % 4 + 1
        t0 = time.monotonic()
        assert amara.goto(position)["ok"]
        mum.wait_for("slide", lambda d, p=position: d["position"] == p and d["seq"] > 0 and d.get("html"),
                     timeout=3)
        waits.append(time.monotonic() - t0)
        mum.events.clear()
        time.sleep(0.2)
    for thread in uploads:
        thread.join()
    assert max(waits) < 1.5, waits  # every slide reached the phone within moments, all along
    assert answers["scroll.pdf"].status_code == 422
    assert re.search(r"Page 1 of this PDF is 595 × 100,000 points: too long or too wide",
                     answers["scroll.pdf"].text)
    assert answers["book.pdf"].status_code == 201
    assert "Only the first 60 of 3000 pages became slides." in answers["book.pdf"].text
    assert answers["photo-1.jpg"].status_code == answers["photo-2.jpg"].status_code == 201
