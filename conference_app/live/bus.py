"""Events every process hears: what one process does that the others must act on too.

Socket.IO's message queue carries pushes to clients in every process, but not work for the servers
themselves (closing a removed participant's connections wherever they are). With one process the
bus calls its handlers directly; with `SOCKETIO_MESSAGE_QUEUE` it publishes on Redis, and every
process (the sender included) calls them when the message arrives. The rest of the code publishes
without knowing which.
"""
import json
from collections import defaultdict
from collections.abc import Callable

from flask import Flask


class LocalBus:
    def __init__(self, app: Flask):
        self.app = app
        self.handlers: dict[str, list[Callable]] = defaultdict(list)

    def on(self, event: str, handler: Callable) -> None:
        self.handlers[event].append(handler)

    def publish(self, event: str, **data) -> None:
        self._dispatch(event, data)

    def _dispatch(self, event: str, data: dict) -> None:
        with self.app.app_context():
            for handler in self.handlers.get(event, []):
                try:
                    handler(**data)
                except Exception:  # noqa: BLE001  (one handler's failure must not stop the listener)
                    self.app.logger.exception("bus event %s: handler failed", event)


class RedisBus(LocalBus):
    def __init__(self, app: Flask, url: str, channel: str):
        import redis

        super().__init__(app)
        self.redis, self.channel = redis.Redis.from_url(url), channel
        self.listening = app.extensions["socketio"].server.eio.create_event()
        app.extensions["socketio"].start_background_task(self._listen)

    def publish(self, event: str, **data) -> None:
        self.redis.publish(self.channel, json.dumps({"event": event, "data": data}))

    def _listen(self) -> None:
        sleep = self.app.extensions["socketio"].sleep
        while True:
            try:
                pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                self.listening.set()
                for message in pubsub.listen():
                    body = json.loads(message["data"])
                    self._dispatch(body["event"], body["data"])
            except Exception:  # noqa: BLE001  (Redis restarted or unreachable: subscribe again)
                self.app.logger.exception("live bus: Redis listener failed; retrying")
                sleep(1)


def init_app(app: Flask) -> None:
    url = app.config.get("SOCKETIO_MESSAGE_QUEUE")
    app.extensions["live_bus"] = (RedisBus(app, url, app.config["SOCKETIO_CHANNEL"] + ":servers") if url
                                  else LocalBus(app))
