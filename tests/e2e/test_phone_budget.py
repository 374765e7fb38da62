"""Phone performance budget on Chromium's Slow 4G profile (network throttling through the DevTools protocol),
on a phone of device pixel ratio 3 (the worst case for srcset), measured and written to
test-output/phone-budget.json:

- scan to first slide under 3 s: the join page's navigation (from page.goto('/j/<code>') to the form visible),
  plus from pressing Join (the form is filled first, not timed: that is the person typing) to the first slide
  visible with its image decoded. The first slide is a photograph, the heaviest kind of first slide.
- the follower page's own HTML, CSS and JS under 100 KB compressed: the bytes on the wire (headers included,
  Network.loadingFinished encodedDataLength) of every Document, Stylesheet and Script response of the joined
  /live/<code> page, fetched with the browser's own Accept-Encoding and an empty cache (a fresh context).
  On this profile every request costs at least 562.5 ms, so the join is kept to three requests in a row: the
  join page (its CSS inside it), the join POST (answered with the follower page itself, no redirect) and the
  slide image, about 2.6 s with a 100-KB image.
- a slide image at phone size under 200 KB: the bytes on the wire of the slide's image on that phone.
"""
import io
import json
import time
from urllib.parse import urlparse

import pytest
from PIL import Image, ImageDraw, ImageFilter

from conference_app import db
from conference_app.live import conferences
from conference_app.models import Presentation, Slide, SlideKind
from conference_app.portfolio import items
from tests.e2e.conftest import ROOT, Guard, _screenshot

REPORT = ROOT / "test-output" / "phone-budget.json"
# Chrome DevTools' "Slow 4G" preset: 150 ms, 1.6 Mbps down, 750 kbps up, times Lighthouse's adjustments
SLOW_4G = {"offline": False, "latency": 150 * 3.75, "downloadThroughput": 1.6 * 1024 * 1024 * 0.9 / 8,
           "uploadThroughput": 750 * 1024 * 0.9 / 8}
PHONE_DPR3 = dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=3)
BUDGET = {"scan_to_first_slide_s": 3.0, "follower_page_kb": 100, "slide_image_kb": 200}


class _NoRouting:
    def route(self, *_args):
        pass


def photo_jpeg(size=(4032, 3024)) -> bytes:
    """A phone camera's photograph: 12 MP, smooth light with grain and detail (noise compresses like a photo)."""
    w, h = size
    img = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(img)
    for i in range(40):
        draw.ellipse([(i * 97) % w, (i * 53) % h, (i * 97) % w + 600, (i * 53) % h + 400],
                     fill=((i * 40) % 255, (i * 90) % 255, (i * 20) % 255))
    # detail a few pixels across (leaves, grass) that survives the resize to 960 px, as in a real photo
    detail = Image.effect_noise((w // 4, h // 4), 60).resize(size, Image.BICUBIC).convert("RGB")
    img = Image.blend(img.filter(ImageFilter.GaussianBlur(3)), detail, 0.2)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    return buf.getvalue()


@pytest.fixture
def conference(app, make):
    student = make.student("amara")
    with app.app_context():
        s = db.session()
        item, _ = items.add_upload(s, student, io.BytesIO(photo_jpeg()), "IMG_0001.jpg", title="Sunset",
                                   visibility="shareable", alt_text="An orange sun over the hills")
        pres = Presentation(owner_id=student.id, title="My year")
        s.add(pres)
        s.flush()
        s.add_all([Slide(presentation_id=pres.id, position=0, kind=SlideKind.ITEM, item_id=item.id),
                   Slide(presentation_id=pres.id, position=1, kind=SlideKind.QUESTIONS, title="Questions")])
        s.commit()
        conference = conferences.create(s, pres)
        conferences.go_live(s, conference)
        return conference.code


# The phone's language (its browser's Accept-Language), and the join page's words for "Family" and "Join" in it:
# Arabic is right to left, in a script of its own, and its words are longer on the wire.
LANGUAGES = {"en": ("Family", "Join"), "ar": ("العائلة", "انضمام")}


# Machine noise (another process on a core, a slow decode) only ever adds time to a run on an emulated network:
# the lowest of a few runs is the page's own cost on that network (timeit's reasoning), so a run over budget is
# measured again, up to this many runs in all, and every run's figure is in the report.
ATTEMPTS = 3


@pytest.mark.parametrize("language", LANGUAGES)
def test_phone_budget_on_slow_4g(browser, live_server, conference, language):
    runs = []
    for _ in range(ATTEMPTS):
        runs.append(_measure(browser, live_server, conference, language))
        if runs[-1]["scan_to_first_slide_s"] < BUDGET["scan_to_first_slide_s"]:
            break
    figures = dict(min(runs, key=lambda f: f["scan_to_first_slide_s"]))
    figures["runs_scan_to_first_slide_s"] = [f["scan_to_first_slide_s"] for f in runs]
    figures["within_budget"] = {k: figures[k] < v for k, v in BUDGET.items()}
    report = REPORT if language == "en" else REPORT.with_name(f"phone-budget-{language}.json")
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(figures, indent=2))
    print("\nphone budget:", json.dumps(figures, indent=2))

    for f in runs:  # what does not depend on the machine holds in every run
        assert f["page_language"] == ([language, "rtl"] if language == "ar" else [language, "ltr"]), f
        assert f["slide_images"] == 1 and f["slide_image_width_px"] == 960, f  # the phone image
        # nothing the join page fetched or prefetched travels again for the follower page (a revalidation
        # would cost a round trip each)
        assert f["fetched_twice"] == [], f
        assert f["follower_page_kb"] < BUDGET["follower_page_kb"], f
        assert f["slide_image_kb"] < BUDGET["slide_image_kb"], f
    assert figures["scan_to_first_slide_s"] < BUDGET["scan_to_first_slide_s"], figures


def _measure(browser, live_server, code, language) -> dict:
    """One phone's visit with a cold cache, from the join page to the first slide, and what it fetched."""
    family, join = LANGUAGES[language]
    context = browser.new_context(base_url=live_server.url, locale=language, **PHONE_DPR3)
    context.set_default_timeout(15_000)
    page = context.new_page()
    # The shared guard, minus its request routing: Playwright turns the HTTP cache off when routing is on,
    # and a phone's cache is part of what is measured. Other hosts are checked from the requests instead.
    guard = Guard(live_server.url)
    guard.attach(_NoRouting(), page)
    page.on("request", lambda r: None if urlparse(r.url).netloc == guard.host or r.url.startswith(("data:", "blob:"))
            else guard.add(f"request to another host: {r.url}"))
    try:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_4G)
        responses, sizes = {}, {}
        cdp.on("Network.responseReceived", lambda e: responses.__setitem__(
            e["requestId"], (e["type"], e["response"]["url"], e["response"]["headers"])))
        cached = set()
        cdp.on("Network.requestServedFromCache", lambda e: cached.add(e["requestId"]))
        cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))

        page.goto(f"/j/{code}")
        page.locator("#name").wait_for()
        # the join page is visible at its first contentful paint (after its render-blocking CSS), timed by
        # the browser from the start of the navigation
        join_page_s = page.evaluate(
            "performance.getEntriesByName('first-contentful-paint')[0].startTime") / 1000

        page.fill("#name", "Gran")
        page.get_by_label(family).check()
        before_join = set(responses)
        start = time.perf_counter()
        page.get_by_role("button", name=join).click()
        page.wait_for_url(f"**/live/{code}")
        image = page.locator("#slide .follow-slide img").first
        image.wait_for(state="visible")
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        join_to_slide_s = time.perf_counter() - start
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)  # the last loadingFinished events

        def on_wire(kinds, url_part=""):
            """What the follower page loaded, at the most bytes each cost this phone in the whole visit (a file
            the join page already fetched or prefetched is counted at that first, cold fetch)."""
            wanted = {url for rid, (kind, url, _h) in responses.items()
                      if rid not in before_join and kind in kinds and url_part in url}
            most = {}
            for rid, (kind, url, _h) in responses.items():
                # the join POST's answer (the follower page) shares its URL with the join page itself
                if url in wanted and (kind != "Document" or rid not in before_join):
                    most[url] = max(most.get(url, 0), sizes.get(rid, 0))
            return most

        own = on_wire({"Document", "Stylesheet", "Script"})
        first_fetch = {url for rid, (_k, url, _h) in responses.items() if rid in before_join}
        fetched_twice = sorted(url for rid, (kind, url, _h) in responses.items()
                               if rid not in before_join and kind in {"Stylesheet", "Script", "Image"}
                               and url in first_fetch and sizes.get(rid, 0) > 0)
        slide_images = on_wire({"Image"}, "/media/")
        encodings = {url.split("/", 3)[-1]: h.get("content-encoding", h.get("Content-Encoding", "none"))
                     for rid, (kind, url, h) in responses.items()
                     if kind in {"Document", "Stylesheet", "Script"} and sizes.get(rid, 0) > 1024}
        natural_width = image.evaluate("img => img.naturalWidth")
        page_language = page.evaluate("[document.documentElement.lang, document.documentElement.dir]")
        _screenshot(page, f"budget-follower-dpr3-{language}")
    finally:
        context.close()
    guard.check()
    return {
        "language": language,
        "profile": "Slow 4G: 562.5 ms latency, 1.44 Mbps down, 675 kbps up; phone 390x844 at DPR 3",
        "join_page_s": round(join_page_s, 2),
        "join_to_first_slide_s": round(join_to_slide_s, 2),
        "scan_to_first_slide_s": round(join_page_s + join_to_slide_s, 2),
        "follower_page_kb": round(sum(own.values()) / 1024, 1),
        "follower_page_files": {url.split("/", 3)[-1]: round(n / 1024, 1) for url, n in own.items()},
        "fetched_twice": [url.split("/", 3)[-1] for url in fetched_twice],
        "content_encoding": encodings,
        "slide_images": len(slide_images),
        "slide_image_kb": round(max(slide_images.values()) / 1024, 1),
        "slide_image_width_px": natural_width,
        "page_language": page_language,
        "budget": BUDGET,
    }
