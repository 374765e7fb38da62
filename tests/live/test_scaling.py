"""Several app processes behind a load balancer share rooms through Redis (SOCKETIO_MESSAGE_QUEUE)."""
import os

import pytest
import redis

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
    env = {"SOCKETIO_MESSAGE_QUEUE": REDIS, "RATELIMIT_STORAGE_URI": REDIS}
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
