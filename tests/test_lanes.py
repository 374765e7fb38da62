"""Lanes: the school's own pages are handled a few at a time; the live conference's paths never wait."""
import threading
import time

from conference_app import lanes


class _Recording:
    """A WSGI app that stays busy a moment and records how many requests it held at once, per path."""

    def __init__(self):
        self.now, self.most, self.lock = {}, {}, threading.Lock()

    def __call__(self, environ, start_response):
        kind = environ["PATH_INFO"].split("/")[1]
        kind = "page" if kind in ("portfolio", "admin") else kind
        with self.lock:
            self.now[kind] = self.now.get(kind, 0) + 1
            self.most[kind] = max(self.most.get(kind, 0), self.now[kind])
        time.sleep(0.2)  # (long enough for every thread to have started, on a busy machine too)
        with self.lock:
            self.now[kind] -= 1
        start_response("200 OK", [])
        return [b""]


def _at_once(app, method: str, paths: list[str]) -> None:
    threads = [threading.Thread(target=app.wsgi_app, args=({"REQUEST_METHOD": method, "PATH_INFO": path},
                                                              lambda *a: None)) for path in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_pages_wait_for_a_place_and_live_paths_do_not(app):
    inner = _Recording()
    app.extensions["lanes"].wsgi_app = inner
    _at_once(app, "GET", ["/portfolio/"] * 6 + ["/admin/accounts"] * 6 + [f"/live/ABC{i}" for i in range(8)]
             + [f"/j/ABC{i}" for i in range(4)] + ["/media/x.webp"] * 4)
    assert inner.most["page"] == lanes.PAGES_WIDTH  # 12 pages asked at once, 4 handled at a time
    assert inner.most["live"] == 8 and inner.most["j"] == 4 and inner.most["media"] == 4


def test_what_is_a_page(app):
    """Each feature marks its own live paths (the first segment); every other GET is one of the school's pages."""
    is_page = app.extensions["lanes"].is_page
    for path in ("/", "/portfolio/", "/admin/accounts", "/days/3", "/login", "/conferences/4/present", "/livestock"):
        assert is_page("GET", path), path
    for path in ("/live/ABCD", "/live", "/j/ABCD", "/join", "/media/a/b.webp", "/static/app.css", "/socket.io/",
                 "/healthz", "/readyz"):
        assert not is_page("GET", path), path
    assert not is_page("POST", "/portfolio/")  # (posts have lanes of their own where they need one)


def test_a_features_own_lane_comes_before_the_pages(app):
    """A GET lane a feature opens is not taken over by the pages' lane, which is wider."""
    lanes.open(app, "GET", r"/portfolio/slow", width=1)
    inner = _Recording()
    app.extensions["lanes"].wsgi_app = inner
    _at_once(app, "GET", ["/portfolio/slow"] * 4)
    assert inner.most["page"] == 1
