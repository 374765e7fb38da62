"""Which languages a conference's presenter views and projector screens are in, whichever process holds them.

Pushes to those views (the slide, the participant list, "saving is slow") are rendered once per language
someone reads them in. One process knows its own connections (`sockets.Clients`); with several processes
(a message queue) each one also keeps its counts in Redis, in one hash per conference with a field per
process and language, so every process renders for the languages open anywhere, not for all thirteen.

A process rewrites its fields every `REFRESH` seconds and the hash expires after `TTL`: after a Redis
restart the counts are back within seconds, and a process that died leaves fields that only cost an
extra rendering until the hash expires. Each process reads a conference's languages at most once a second,
and remembers them for at most `READ_MAX` conferences (a school's day, however long it runs).
"""
import secrets
import time
from collections import Counter

from cachetools import TTLCache
from flask import Flask

REFRESH, TTL, FRESH, READ_MAX = 20, 60, 1.0, 4096


class SharedViews:
    def __init__(self, app: Flask, url: str, channel: str):
        import redis

        self.app, self.redis = app, redis.Redis.from_url(url)
        self.prefix, self.process = f"{channel}:views:", secrets.token_hex(4)
        self.mine: dict[int, Counter] = {}  # this process's views: conference id -> languages
        self.read: TTLCache[int, set[str]] = TTLCache(READ_MAX, FRESH, timer=time.monotonic)  # id -> languages
        app.extensions["socketio"].start_background_task(self._refresh)

    def counted(self, conference_id: int, counts: Counter) -> None:
        """This process's views of the conference, in each language, as they are now."""
        key = self.prefix + str(conference_id)
        fields = {f"{self.process}:{code}": n for code, n in counts.items() if n > 0}
        gone = [f"{self.process}:{code}" for code in self.mine.get(conference_id, ()) if counts.get(code, 0) <= 0]
        self.mine[conference_id] = Counter(counts)
        if not fields:
            del self.mine[conference_id]
        try:
            with self.redis.pipeline() as pipe:
                if gone:
                    pipe.hdel(key, *gone)
                if fields:
                    pipe.hset(key, mapping=fields)
                pipe.expire(key, TTL)
                pipe.execute()
        except Exception:  # (Redis is back within REFRESH seconds; until then pushes go to known languages)
            self.app.logger.exception("conference %s: presenter views not counted in Redis", conference_id)
        self.read.pop(conference_id, None)

    def languages(self, conference_id: int) -> set[str]:
        seen = self.read.get(conference_id)
        if seen is not None:
            return seen
        try:
            fields = self.redis.hgetall(self.prefix + str(conference_id))
            codes = {field.decode().split(":", 1)[1] for field, n in fields.items() if int(n) > 0}
        except Exception:  # (Redis unreachable: this process's own views at least)
            self.app.logger.exception("conference %s: presenter views not read from Redis", conference_id)
            codes = set(self.mine.get(conference_id, ()))
        self.read[conference_id] = codes
        return codes

    def refresh(self) -> None:
        """Write this process's counts again (after a Redis restart they are back)."""
        for conference_id, counts in list(self.mine.items()):
            self.counted(conference_id, counts)

    def _refresh(self) -> None:
        while True:
            self.app.extensions["socketio"].sleep(REFRESH)
            self.refresh()
