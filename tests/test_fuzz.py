"""Random input to every route and every Socket.IO event, as every kind of visitor: never a 5xx, never a
traceback. Ids huge, negative or not numbers; text with NUL, control and bidi characters, emoji, a megabyte;
JSON of any shape. Runs on SQLite and, in CI's second run, on PostgreSQL."""
import logging
import re
from urllib.parse import quote

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conference_app import db
from conference_app.live import conferences
from conference_app.models import Conference

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")  # media responses the fuzzer never reads

RUNS = settings(max_examples=150, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

ids = st.one_of(st.integers(-5, 12), st.sampled_from([2**31 - 1, 2**31, 2**63, 2**64, 10**30]))
weird = st.sampled_from(["\x00", "\x07", "\u202e", "\u2066", "\u200b", "\ufeff", "\r\n", "🙂", "<script>", "'--",
                         "%00", "../", "\U0010ffff"])
texts = st.one_of(st.text(max_size=80), st.lists(st.one_of(weird, st.text(max_size=5)), max_size=8).map("".join),
                  st.sampled_from(["", " ", "x" * 70_000, "é" * 1_000_000]), ids.map(str))
path_texts = st.one_of(st.text(min_size=1, max_size=20), weird, ids.map(str))
json_values = st.recursive(st.one_of(st.none(), st.booleans(), ids, st.floats(allow_nan=True), texts),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                                       max_size=4), max_leaves=12)
socket_payloads = st.one_of(json_values, st.fixed_dictionaries(
    {}, optional={"kind": st.sampled_from(["clap", "hand", "x"]), "position": json_values, "seq": json_values,
                  "since": json_values, "conference": json_values,
                  "view": st.sampled_from(["presenter", "screen", "follower", "x"]), "key": json_values}))

SKIP = {"static", "auth.logout"}  # signing out would only make the later examples anonymous


def _form_fields(app) -> list[str]:
    """Every field name of every form in the app (their public API: a form iterates its fields)."""
    names, todo = set(), list(FlaskForm.__subclasses__())
    with app.test_request_context("/"):
        while todo:
            cls = todo.pop()
            todo.extend(cls.__subclasses__())
            try:
                names.update(f.name for f in cls(meta={"csrf": False}))
            except TypeError:  # a form that needs arguments: its fields show up in the route's own posts
                continue
    return sorted(names - {"csrf_token"})


@pytest.fixture
def visitors(app, school):
    with app.app_context():
        s = db.session()
        mum = conferences.join(s, s.get(Conference, school.conference.id), "Mum", "family")
    phone = app.test_client()
    with phone.session_transaction() as sess:
        sess["joined"] = {str(school.conference.id): mum.token}
    return {"anonymous": app.test_client(), "owner": school.people.client("owner"),
            "coach": school.people.client("coach"), "other_coach": school.people.client("other_coach"),
            "admin": school.people.client("admin"), "phone": phone}


def _url(rule, draw, school) -> str:
    """The rule's path with each of its variables drawn: an id (real, huge, negative), the real code, or junk."""
    url = rule.rule
    for name in rule.arguments:
        value = draw(st.one_of(ids.map(str), st.just(str(school.conference.id)), st.just(school.conference.code),
                               path_texts.map(lambda t: quote(t, safe=""))))
        url = re.sub(rf"<(?:[a-z]+:)?{name}>", lambda _m, v=value: v, url)
    return url


@RUNS
@given(data=st.data())
def test_no_route_fails_whatever_it_is_sent(app, school, visitors, data):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in SKIP]
    fields = _form_fields(app)
    rule = data.draw(st.sampled_from(rules))
    method = data.draw(st.sampled_from(sorted(rule.methods - {"HEAD", "OPTIONS"})))
    who = data.draw(st.sampled_from(sorted(visitors)))
    url = _url(rule, data.draw, school)
    query = data.draw(st.dictionaries(st.sampled_from(["tag", "kind", "next", "skip", "since", "page"]), texts,
                                      max_size=2))
    form = data.draw(st.dictionaries(st.sampled_from(fields), texts, max_size=6)) if method == "POST" else None
    headers = data.draw(st.sampled_from([{}, {"HX-Request": "true"}, {"Referer": "http://evil.example/x"}]))
    response = visitors[who].open(url, method=method, query_string=query, data=form, headers=headers)
    response.close()
    assert response.status_code < 500, (who, method, url, query, form and {k: v[:40] for k, v in form.items()})


@RUNS
@given(data=st.data())
def test_no_socket_event_fails_whatever_it_is_sent(app, school, visitors, caplog, data):
    caplog.set_level(logging.ERROR)
    who, view = data.draw(st.sampled_from([("owner", "presenter"), ("coach", "presenter"), ("owner", "screen"),
                                           ("phone", "follower"), ("anonymous", "follower")]))
    # (a CONNECT payload is an object in the Socket.IO protocol; a bare number there cannot be told from a
    # packet id, and python-socketio's decoder raises on it before any handler of ours runs)
    auth = data.draw(st.one_of(st.just({"conference": school.conference.id, "view": view}),
                               json_values.filter(lambda v: not isinstance(v, int | float) or isinstance(v, bool)),
                               st.dictionaries(st.sampled_from(["conference", "view"]), json_values)))
    socketio = app.extensions["socketio"]
    client = socketio.test_client(app, flask_test_client=visitors[who], auth=auth)
    try:
        if client.is_connected():
            for _ in range(data.draw(st.integers(1, 3))):
                event = data.draw(st.sampled_from(["sync", "goto", "feedback_sync", "react", "unknown"]))
                answer = client.emit(event, data.draw(socket_payloads), callback=True)
                assert answer is None or (isinstance(answer, dict) and "ok" in answer or "position" in answer), answer
                assert not (isinstance(answer, dict) and "our side" in str(answer.get("error"))), (event, answer)
    finally:
        if client.is_connected():
            client.disconnect()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [r.getMessage() for r in caplog.records]
