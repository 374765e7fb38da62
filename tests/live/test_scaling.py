"""Several app processes behind a load balancer share rooms through Redis (SOCKETIO_MESSAGE_QUEUE), and act
as one: withdrawn work leaves every process's phones, a removal closes the participant's sockets everywhere."""
import os
import time

import pytest
import redis

from sqlmodel import select

from conference_app import db
from conference_app.models import Participant
from tests.live.clients import Phone, joined, signed_in
from tests.servers import LiveServer

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_up() -> bool:
    try:
        return redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not redis_up() and not os.environ.get("CI"), reason="no Redis on this machine")


@pytest.fixture(scope="module")
def two_servers(database_url, live_server, tmp_path_factory):
    """A second and third process on the same database and media, both wired to Redis."""
    logs = tmp_path_factory.mktemp("redis-logs")
    # a channel of this run's own: another test run on the same Redis must not hear these pushes
    env = {"SOCKETIO_MESSAGE_QUEUE": REDIS, "RATELIMIT_STORAGE_URI": REDIS,
           "SOCKETIO_CHANNEL": f"test-{os.getpid()}-{time.monotonic_ns()}"}
    servers = [LiveServer(database_url, live_server.media_root, logs, **env).start() for _ in range(2)]
    yield servers
    for server in servers:
        server.stop()


def test_a_slide_change_on_one_process_reaches_phones_on_another(two_servers, school, phones):
    a, b = two_servers
    student = Phone(a, signed_in(a, "amara"), school.conference.id, view="presenter")
    phones.append(student)
    # the phone joined through process B and is connected to B
    mum = Phone(b, joined(b, school.conference.code, "Mum"), school.conference.id)
    phones.append(mum)
    assert mum.slide_at(0)
    for position in (1, 2, 3):
        answer = student.goto(position)
        assert answer["ok"]
        assert mum.wait_for("slide", lambda d, seq=answer["seq"]: d["seq"] == seq)["position"] == position
    # and B's presenter room hears who joined on A
    watcher = Phone(b, signed_in(b, "amara"), school.conference.id, view="presenter")
    phones.append(watcher)
    joined(a, school.conference.code, "Dad")
    assert "Dad" in watcher.wait_for("participants", lambda d: "Dad" in d["html"])["html"]


def test_withdrawn_work_leaves_phones_on_every_process(two_servers, school, phones):
    a, b = two_servers
    student_a = Phone(a, signed_in(a, "amara"), school.conference.id, view="presenter")
    student_b = Phone(b, signed_in(b, "amara"), school.conference.id, view="presenter")
    mum_a = Phone(a, joined(a, school.conference.code, "Mum"), school.conference.id)
    dad_b = Phone(b, joined(b, school.conference.code, "Dad"), school.conference.id)
    phones.extend([student_a, student_b, mum_a, dad_b])
    assert student_b.goto(1)["ok"]  # B renders (and caches) the slides with the picture
    for phone in (mum_a, dad_b):
        assert "First picture" in phone.slide_at(1)["html"]
    first = school.slides[1].item_id
    student_a.browser.page(f"/portfolio/items/{first}/edit")
    assert student_a.browser.post_form(f"/portfolio/items/{first}/edit", {
        "title": "First picture", "alt_text": "A red square", "visibility": "private"}).status_code == 303
    for phone in (mum_a, dad_b):  # pushed again at once, through the queue
        again = phone.wait_for("slide", lambda d: d["position"] == 1 and "not shown to the audience" in d["html"])
        assert "First picture" not in again["html"]
    # B's own answers: a push after a slide change through B, a sync, and the look-back route
    dad_b.events.clear()
    assert student_b.goto(2)["ok"] and student_b.goto(1)["ok"]
    pushed = dad_b.wait_for("slide", lambda d: d["position"] == 1 and d.get("html"))
    assert "First picture" not in pushed["html"] and "/media/" not in pushed["html"]
    dad_b.events.clear()
    dad_b.sio.emit("sync", {})
    assert "First picture" not in dad_b.slide_at(1)["html"]
    looked_back = dad_b.browser.get(f"{b.url}/live/{school.conference.code}/slides/1")
    assert looked_back.status_code == 200 and "First picture" not in looked_back.text
    assert "First picture" not in dad_b.browser.get(f"{b.url}/live/{school.conference.code}").text


def test_a_participant_removed_through_one_process_loses_their_socket_on_the_other(app, two_servers, school,
                                                                                   phones):
    a, b = two_servers
    student_http = signed_in(a, "amara")
    student_http.page(f"/conferences/{school.conference.id}/present")
    student = Phone(a, signed_in(a, "amara"), school.conference.id, view="presenter")
    lurker = Phone(b, joined(b, school.conference.code, "Lurker", "guest"), school.conference.id)
    phones.extend([student, lurker])
    lurker.slide_at(0)
    with app.app_context():
        pid = db.session().exec(select(Participant.id).where(Participant.display_name == "Lurker")).one()
    assert student_http.htmx(f"/conferences/{school.conference.id}/participants/{pid}/remove").status_code == 200
    assert lurker.wait_for("removed")  # the test's client only records it: it would stay if it could
    deadline = time.monotonic() + 5
    while lurker.sio.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not lurker.sio.connected  # closed by process B, which heard of the removal on A
    before = len([e for e in lurker.events if e[0] == "slide"])
    for position in (1, 2):
        assert student.goto(position)["ok"]
    time.sleep(0.5)
    assert len([e for e in lurker.events if e[0] == "slide"]) == before


def test_pushes_to_presenter_views_are_rendered_for_the_languages_open_in_any_process(two_servers, school, phones):
    """With a message queue a process does not see the others' connections; the presenter views' languages
    are counted in Redis, so a slide change is published once per language open, not once for each of 13."""
    import json

    a, b = two_servers
    listener = redis.Redis.from_url(REDIS).pubsub(ignore_subscribe_messages=True)
    listener.subscribe(a.env["SOCKETIO_CHANNEL"])
    student = Phone(b, signed_in(b, "amara"), school.conference.id, view="presenter")  # on B, in English
    phones.append(student)
    student.slide_at(0)
    while listener.get_message(timeout=0.2):  # what connecting published
        pass
    second_view = Phone(a, signed_in(a, "amara"), school.conference.id, view="presenter")  # on A, in English
    phones.append(second_view)
    second_view.slide_at(0)
    while listener.get_message(timeout=0.2):
        pass
    moved = second_view.goto(1)
    assert moved["ok"]
    student.wait_for("presenter", lambda d: d["seq"] == moved["seq"])
    rooms = []
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        message = listener.get_message(timeout=0.2)
        if message:
            body = json.loads(message["data"])
            if body.get("event") == "presenter":
                rooms.append(body.get("room"))
    listener.close()
    assert rooms == [f"conference:{school.conference.id}:presenter:en"], rooms  # both views read English


def test_presenter_views_are_counted_again_after_redis_forgets_them(app):
    from conference_app.live.views import SharedViews
    from collections import Counter

    channel = f"test-views-{os.getpid()}-{time.monotonic_ns()}"
    one, other = SharedViews(app, REDIS, channel), SharedViews(app, REDIS, channel)
    one.counted(7, Counter({"ar": 1, "en": 2}))
    other.counted(7, Counter({"pl": 1}))
    assert SharedViews(app, REDIS, channel).languages(7) == {"ar", "en", "pl"}
    one.counted(7, Counter({"en": 1}))
    assert SharedViews(app, REDIS, channel).languages(7) == {"en", "pl"}
    redis.Redis.from_url(REDIS).delete(f"{channel}:views:7")  # Redis restarted
    assert SharedViews(app, REDIS, channel).languages(7) == set()
    one.refresh()
    other.refresh()
    assert SharedViews(app, REDIS, channel).languages(7) == {"en", "pl"}
    other.counted(7, Counter())
    assert SharedViews(app, REDIS, channel).languages(7) == {"en"}
    redis.Redis.from_url(REDIS).delete(f"{channel}:views:7")


def test_a_phones_first_slide_goes_to_it_without_the_queue(two_servers, school, phones):
    """Only this process holds the phone's connection: its sync answer is not published for every process
    to decode (with 1,000 phones joining, that doubled a join's cost with two processes)."""
    import json

    a, _b = two_servers
    listener = redis.Redis.from_url(REDIS).pubsub(ignore_subscribe_messages=True)
    listener.subscribe(a.env["SOCKETIO_CHANNEL"])
    mum = Phone(a, joined(a, school.conference.code, "Mum"), school.conference.id)
    phones.append(mum)
    assert mum.slide_at(0)
    sid = mum.sio.get_sid("/")
    published = []
    deadline = time.monotonic() + 1
    while time.monotonic() < deadline:
        message = listener.get_message(timeout=0.2)
        if message:
            published.append(json.loads(message["data"]))
    listener.close()
    assert not [m for m in published if m.get("room") == sid], published


def test_languages_read_from_redis_are_remembered_briefly_and_for_a_bounded_number_of_conferences(app, monkeypatch):
    from collections import Counter

    from conference_app.live import views

    monkeypatch.setattr(views, "READ_MAX", 16)
    channel = f"test-views-{os.getpid()}-{time.monotonic_ns()}"
    reader, writer = views.SharedViews(app, REDIS, channel), views.SharedViews(app, REDIS, channel)
    for conference_id in range(100):
        reader.languages(conference_id)
    assert len(reader.read) <= 16  # a long day's conferences are not all kept
    assert reader.languages(7) == set()
    writer.counted(7, Counter({"uk": 1}))
    assert reader.languages(7) == set()  # read less than a second ago
    time.sleep(views.FRESH + 0.1)
    assert reader.languages(7) == {"uk"}
    redis.Redis.from_url(REDIS).delete(f"{channel}:views:7")
