"""Health and readiness, the trusted proxy, access log lines, LAN addresses for the join link."""
import io
import json

import pytest

from conference_app import create_app, network
from conference_app.ops.logs import AccessLog
from tests.conftest import unit_config


def test_healthz_answers_and_readyz_checks_database_and_media(client):
    assert client.get("/healthz").json == {"ok": True}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["checks"] == {"database": "ok", "media": "ok"}


def test_readyz_fails_when_media_is_not_writable(app, tmp_path):
    app.config["MEDIA_ROOT"] = str(tmp_path / "missing" / "media")
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 503 and ready.json["checks"]["media"] == "failed"


def test_readyz_checks_redis_when_configured(database_url, tmp_path):
    good = create_app(unit_config(database_url, tmp_path / "m", SOCKETIO_MESSAGE_QUEUE="redis://127.0.0.1:6379/3"))
    assert good.test_client().get("/readyz").json["checks"]["redis (SOCKETIO_MESSAGE_QUEUE)"] == "ok"
    bad = create_app(unit_config(database_url, tmp_path / "m", RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/3"))
    ready = bad.test_client().get("/readyz")
    assert ready.status_code == 503 and ready.json["checks"]["redis (RATELIMIT_STORAGE_URI)"] == "failed"
    for a in (good, bad):
        a.extensions["db_engine"].dispose()


def _seen_address(app, headers) -> str:
    seen = {}

    @app.get("/_test_addr")
    def _addr():
        from flask import request

        seen["addr"], seen["scheme"] = request.remote_addr, request.scheme
        return "ok"

    app.test_client().get("/_test_addr", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    return seen


def test_forwarded_headers_ignored_without_trusted_proxies(app):
    seen = _seen_address(app, {"X-Forwarded-For": "6.6.6.6", "X-Forwarded-Proto": "https"})
    assert seen == {"addr": "10.0.0.1", "scheme": "http"}


def test_trusted_proxies_gives_the_phones_address(database_url, tmp_path):
    app = create_app(unit_config(database_url, tmp_path / "m", TRUSTED_PROXIES=1))
    # Only the last hop (added by our nginx) is believed, not what the phone wrote itself.
    seen = _seen_address(app, {"X-Forwarded-For": "6.6.6.6, 192.168.1.37", "X-Forwarded-Proto": "https"})
    assert seen == {"addr": "192.168.1.37", "scheme": "https"}
    app.extensions["db_engine"].dispose()


@pytest.mark.parametrize("as_json", [False, True])
def test_access_log_line_has_the_address_after_proxy_fix(database_url, tmp_path, as_json):
    app = create_app(unit_config(database_url, tmp_path / "m", TRUSTED_PROXIES=1))
    out = io.StringIO()
    app.wsgi_app = AccessLog(app.wsgi_app, stream=out, as_json=as_json)
    app.test_client().get("/healthz?token=secret", headers={"X-Forwarded-For": "192.168.1.37"}).close()
    line = out.getvalue().strip()
    assert "secret" not in line
    if as_json:
        entry = json.loads(line)
        assert entry["client"] == "192.168.1.37" and entry["method"] == "GET" and entry["path"] == "/healthz"
        assert entry["status"] == 200 and entry["duration_ms"] >= 0
    else:
        assert '192.168.1.37 "GET /healthz" 200 ' in line and line.endswith("ms")
    app.extensions["db_engine"].dispose()


def test_loopback_and_lan_addresses():
    assert network.is_loopback("127.0.0.1:5000") and network.is_loopback("[::1]:8000")
    assert network.is_loopback("localhost") and not network.is_loopback("192.168.1.20:5000")
    assert all(not network.is_loopback(a) for a in network.lan_addresses())
    assert network.phone_urls("127.0.0.1", 5000) == []
    assert network.phone_urls("192.168.1.20", 5000) == ["http://192.168.1.20:5000"]



def test_join_base(app):
    with app.test_request_context("/", base_url="http://127.0.0.1:5000"):
        base, problem = network.join_base()
        assert base == "http://127.0.0.1:5000" and "--host 0.0.0.0" in problem
    app.config["LISTEN_ADDRESS"] = ("0.0.0.0", 5000)
    with app.test_request_context("/", base_url="http://127.0.0.1:5000"):
        base, problem = network.join_base()
        lan = network.lan_addresses()
        assert (base, problem) == ((f"http://{lan[0]}:5000", None) if lan else ("http://127.0.0.1:5000", problem))
    with app.test_request_context("/", base_url="http://192.168.1.20:5000"):
        assert network.join_base() == ("http://192.168.1.20:5000", None)
    app.config["PUBLIC_URL"] = "https://slc.school.example/"
    with app.test_request_context("/", base_url="http://127.0.0.1:5000"):
        assert network.join_base() == ("https://slc.school.example", None)


def test_lobby_on_loopback_says_how_to_fix_it_and_the_qr_code_follows_public_url(app, make):
    from tests.helpers import PASSWORD

    school = make.school(live=False)
    student = app.test_client()
    assert student.post("/login", data={"username": "amara", "password": PASSWORD},
                        base_url="http://127.0.0.1:5000").status_code == 303
    lobby = student.get(f"/conferences/{school.conference.id}", base_url="http://127.0.0.1:5000")
    assert lobby.status_code == 200 and "data-join-problem" in lobby.text and "--host 0.0.0.0" in lobby.text
    app.config["PUBLIC_URL"] = "https://slc.school.example"
    lobby = student.get(f"/conferences/{school.conference.id}", base_url="http://127.0.0.1:5000")
    assert "data-join-problem" not in lobby.text
    assert f"https://slc.school.example/j/{school.conference.code}" in lobby.text


def test_access_log_leaves_out_one_time_link_tokens(app):
    out = io.StringIO()
    app.wsgi_app = AccessLog(app.wsgi_app, stream=out)
    app.test_client().get("/account/welcome/SECRET-TOKEN").close()
    assert "SECRET-TOKEN" not in out.getvalue() and '"GET /account/welcome/…" 404' in out.getvalue()
    for path in ("/copy/FAMILY-TOKEN", "/s/SHARED-TOKEN", "/copy/FAMILY-TOKEN/pictures/1"):  # private links too
        app.test_client().get(path).close()
    assert "TOKEN" not in out.getvalue().replace("SECRET-TOKEN", "") and '"GET /copy/…/pictures/1"' in out.getvalue()


def test_access_log_line_of_a_websocket_says_101():
    out = io.StringIO()

    def handshake_by_the_server(environ, start_response):
        raise StopIteration()  # what gunicorn's gevent worker expects once a WebSocket is closed

    log = AccessLog(handshake_by_the_server, stream=out)
    with pytest.raises(StopIteration):
        log({"REQUEST_METHOD": "GET", "PATH_INFO": "/socket.io/", "REMOTE_ADDR": "10.1.2.3",
             "HTTP_UPGRADE": "websocket"}, lambda *a: None)
    assert '10.1.2.3 "GET /socket.io/" 101 ' in out.getvalue()
