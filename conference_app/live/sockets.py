"""Socket.IO connections: who each one is, the rooms it is in, and the events it may send.

Who a connection is gets decided once, at connect, from the signed cookie session (never from
anything the client says) and kept per socket id in this process. Every handler is registered the
same way (`on(app, event, handler)`: python-socketio's own handlers, `handler(sid, data)` in an app
context, with no request context or cookie decoding per event) and answers through its return value
(the client's acknowledgement); pushes go through `pushes.emit`.
"""
from collections import Counter, defaultdict
from contextlib import nullcontext
from dataclasses import dataclass

import socketio as python_socketio
from flask import Flask, current_app, url_for
from flask_babel import force_locale, lazy_gettext as _l
from flask_login import current_user
from flask_socketio import SocketIO
from flask_babel.speaklater import LazyString

from .. import db, languages
from ..models import MAX_ID, Conference, ConferenceState
from . import bus, decks, pushes, views
from .access import current_participant, may_present
from .pushes import audience_room, in_language, participant_room, presenter_room, screen_room
from .writer import SlideWriter

PRESENTER, SCREEN, FOLLOWER = "presenter", "screen", "follower"


@dataclass
class Client:
    conference_id: int
    code: str
    view: str
    participant_id: int | None = None
    language: str = languages.DEFAULT  # a follower's stored choice; a presenter view's page language


class Clients:
    """This process's connections, indexed by what disconnects and removals look up."""

    def __init__(self, shared: views.SharedViews | None = None):
        self.by_sid: dict[str, Client] = {}
        self.by_participant: dict[int, set[str]] = defaultdict(set)
        self.staff: dict[int, Counter] = defaultdict(Counter)  # conference id -> presenter/screen languages
        self.shared = shared  # with several processes: the same counts, in Redis for the others

    def get(self, sid: str) -> Client | None:
        return self.by_sid.get(sid)

    def add(self, sid: str, client: Client) -> None:
        self.by_sid[sid] = client
        if client.participant_id:
            self.by_participant[client.participant_id].add(sid)
        if client.view != FOLLOWER:
            self.staff[client.conference_id][client.language] += 1
            self._counted(client.conference_id)

    def _counted(self, conference_id: int) -> None:
        if self.shared is not None:
            self.shared.counted(conference_id, self.staff.get(conference_id, Counter()))

    def remove(self, sid: str) -> Client | None:
        client = self.by_sid.pop(sid, None)
        if client and client.view != FOLLOWER:
            counts = self.staff[client.conference_id]
            counts[client.language] -= 1
            if counts[client.language] <= 0:
                del counts[client.language]
            if not counts:
                del self.staff[client.conference_id]
            self._counted(client.conference_id)
        if client and client.participant_id:
            sids = self.by_participant[client.participant_id]
            sids.discard(sid)
            if not sids:
                del self.by_participant[client.participant_id]
        return client

    def of_participant(self, participant_id: int) -> set[str]:
        return set(self.by_participant.get(participant_id, ()))

    def staff_languages(self, conference_id: int) -> set[str]:
        return set(self.staff.get(conference_id, ()))


class RoomIndex:
    """A client manager that knows each connection's rooms, so a disconnect costs the same with 10 or
    1,000 phones connected (python-socketio's own looks at every room for every disconnect)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rooms_of: dict[tuple, set] = defaultdict(set)  # (namespace, sid) -> its rooms

    def _index(self) -> dict:
        return self.rooms_of

    def basic_enter_room(self, sid, namespace, room, eio_sid=None):
        super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)
        self._index()[namespace, sid].add(room)

    def basic_leave_room(self, sid, namespace, room):
        super().basic_leave_room(sid, namespace, room)
        rooms = self._index().get((namespace, sid))
        if rooms is not None:
            rooms.discard(room)

    def get_rooms(self, sid, namespace):
        return [room for room in self._index().get((namespace, sid), ()) if room is not None]

    def basic_disconnect(self, sid, namespace, **kwargs):
        """As python-socketio's, with the index saying which rooms to leave instead of a scan."""
        for room in self._index().pop((namespace, sid), ()):
            super().basic_leave_room(sid, namespace, room)
        self.callbacks.pop(sid, None)
        for pending in (self.pending_connect, self.pending_disconnect):
            sids = pending.get(namespace)
            if sids and sid in sids:
                sids.remove(sid)
                if not sids:
                    del pending[namespace]


class IndexedManager(RoomIndex, python_socketio.Manager):
    """One process: a push to a room nobody is in (a conference without a projector screen) is dropped
    before its packet is built."""

    def occupied(self, room: str, namespace: str = "/") -> bool:
        return room in self.rooms.get(namespace, {})

    def emit(self, event, data, namespace, room=None, skip_sid=None, callback=None, to=None, **kwargs):
        room = to or room
        if isinstance(room, str) and not self.occupied(room, namespace):
            return
        return super().emit(event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, **kwargs)


class IndexedRedisManager(RoomIndex, python_socketio.RedisManager):
    """Several processes sharing rooms through Redis."""


def _async_mode(app: Flask) -> str:
    """gevent when the process is monkey-patched (the `serve` and `demo` commands), else threading."""
    if app.config.get("SOCKETIO_ASYNC_MODE"):
        return app.config["SOCKETIO_ASYNC_MODE"]
    from gevent import monkey

    return "gevent" if monkey.is_module_patched("socket") else "threading"


def init_app(app: Flask) -> None:
    """One SocketIO per app (a shared module-level one breaks a second app in the same process)."""
    queue_url = app.config.get("SOCKETIO_MESSAGE_QUEUE")
    channel = app.config["SOCKETIO_CHANNEL"]
    manager = (IndexedRedisManager(queue_url, channel=channel) if queue_url else IndexedManager())
    # async_handlers=False: one connection's events are handled in order (a presenter's quick presses
    # land in the order pressed), without a new greenlet per event.
    socketio = SocketIO(app, async_mode=_async_mode(app), client_manager=manager, manage_session=False,
                        async_handlers=False, ping_interval=10, ping_timeout=20)
    app.wsgi_app = _without_websocket_compression(app.wsgi_app)
    app.extensions["live_views"] = views.SharedViews(app, queue_url, channel) if queue_url else None
    app.extensions["live_clients"] = Clients(app.extensions["live_views"])
    app.extensions["live_participants"] = pushes.ParticipantLists(app)
    app.extensions["live_writer"] = SlideWriter(app)
    bus.init_app(app)
    app.extensions["live_bus"].on("participant_removed", drop_participant)
    socketio.server.on("connect", lambda sid, environ, auth=None: _connect(app, sid, environ, auth), namespace="/")
    on(app, "disconnect", on_disconnect, speaks=False)  # (a Wi-Fi dropping is a thousand at once)
    on(app, "sync", on_sync)
    on(app, "goto", on_goto, speaks=False)  # (its answers' texts are lazy; pushes pick their own languages)


def on(app: Flask, event: str, handler, speaks: bool = True) -> None:
    """Register `handler(sid, data)` for a client event; it runs in an app context (and in the connection's
    language, unless it `speaks` no text but lazy texts in its answer) and its return value is the client's
    acknowledgement. Features add
    their own events this way (feedback's `feedback_sync`)."""
    def run(sid, data=None, *_rest):
        with app.app_context():
            client = client_of(sid)
            language = client.language if client else languages.DEFAULT
            with force_locale(language) if speaks else nullcontext():
                try:
                    answer = handler(sid, data)
                except Exception:  # (a client gets an answer, never a dropped connection)
                    app.logger.exception("Socket.IO event %s failed", event)
                    answer = {"ok": False, "error": _l("Something went wrong on our side. Please try again.")}
            return _plain(answer, language)

    app.extensions["socketio"].server.on(event, run, namespace="/")


def _plain(answer, language: str):
    """An answer's lazy texts as strings, in the connection's language (JSON has no lazy strings); the locale
    is switched only for an answer that has text (a presenter's every press is answered without)."""
    if isinstance(answer, dict) and any(isinstance(v, LazyString) for v in answer.values()):
        with force_locale(language):
            return {k: str(v) if isinstance(v, LazyString) else v for k, v in answer.items()}
    return answer


def _without_websocket_compression(wsgi_app):
    """WSGI middleware: refuse permessage-deflate. simple-websocket accepts it whenever a browser offers it,
    and then compresses every push once per phone, with a compressor per connection; slide pushes are a
    few kilobytes, and a burst to 1,000 phones cost far more CPU compressed than the bytes saved."""
    def app(environ, start_response):
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return wsgi_app(environ, start_response)

    return app


def _clients() -> Clients:
    return current_app.extensions["live_clients"]


def client_of(sid: str) -> Client | None:
    """Who this connection is (None: not connected here, or refused)."""
    return _clients().get(sid)


def drop_participant(participant_id: int) -> None:
    """A participant was removed (in any process): close their connections in this one."""
    server = current_app.extensions["socketio"].server
    for sid in _clients().of_participant(participant_id):
        server.disconnect(sid, namespace="/")


def _identify(auth) -> Client | None:
    if not isinstance(auth, dict):
        return None
    conference_id, view = auth.get("conference"), auth.get("view")
    if not isinstance(conference_id, int) or isinstance(conference_id, bool) or not 0 < conference_id <= MAX_ID:
        return None
    if view not in (None, PRESENTER, SCREEN, FOLLOWER):
        return None
    conference = db.session().get(Conference, conference_id)
    if conference is None or not conference.is_open:
        return None
    if view is None:  # not said: the session decides
        view = PRESENTER if may_present(conference, current_user) else FOLLOWER
    participant = current_participant(conference)
    if view in (PRESENTER, SCREEN):
        if not may_present(conference, current_user):
            return None
        # a coach who joined on this phone and is now on the coach panel is still there
        return Client(conference_id, conference.code, view, participant.id if participant else None,
                      languages.current())
    return Client(conference_id, conference.code, FOLLOWER, participant.id,
                  languages.valid(participant.language) or languages.DEFAULT) if participant else None


ROOMS = {PRESENTER: presenter_room, SCREEN: screen_room, FOLLOWER: audience_room}


def _connect(app: Flask, sid: str, environ: dict, auth) -> bool:
    """Who this is, from the cookie session of the handshake (the one request context a socket gets)."""
    with app.request_context(environ):
        try:
            client = _identify(auth)
        except Exception:  # (refused, with the reason in the log, not a broken handshake)
            app.logger.exception("Socket.IO connect failed")
            return False
        if client is None:
            return False  # refused: not a member of this conference
        _clients().add(sid, client)
        server = app.extensions["socketio"].server
        room = ROOMS[client.view](client.conference_id)
        server.enter_room(sid, room, namespace="/")
        server.enter_room(sid, in_language(room, client.language), namespace="/")
        if client.participant_id:
            server.enter_room(sid, participant_room(client.participant_id), namespace="/")
            pushes.push_presence(client.conference_id, client.participant_id, True)
    return True


def on_disconnect(sid: str, reason=None) -> None:
    client = _clients().remove(sid)
    if client and client.participant_id and not _clients().of_participant(client.participant_id):
        pushes.push_presence(client.conference_id, client.participant_id, False)


def on_sync(sid: str, data=None) -> dict:
    """A (re)connected client asks where things are; only it gets the answer."""
    client = client_of(sid)
    if client is None:
        return {"ok": False}
    conference = db.session().get(Conference, client.conference_id)
    if conference.state == ConferenceState.ENDED:
        with decks.rendering():
            url = (url_for("live.thanks", code=conference.code) if client.view == FOLLOWER
                   else url_for("live.ended", conference_id=conference.id))
        pushes.emit("ended", {"url": url}, to=sid)
        return {"ok": True}
    deck = decks.deck_for(conference)
    event, payload = pushes.slide_payloads(deck, pushes.state_of(conference, deck, shown=True))[client.view]
    pushes.emit(event, payload, to=sid)
    if client.view == PRESENTER:  # who joined while this view was not connected
        current_app.extensions["live_participants"].send_to(conference.id, sid, client.language)
    return {"ok": True, "seq": conference.seq, "position": conference.position}


def on_goto(sid: str, data=None) -> dict:
    """The presenter moves; anybody else is refused. The answer says whether it is stored, or slow."""
    client = client_of(sid)
    if client is None or client.view != PRESENTER:
        return {"ok": False, "error": _l("Only the presenter can change slides.")}
    position = data.get("position") if isinstance(data, dict) else None
    if not isinstance(position, int) or isinstance(position, bool) or not -MAX_ID <= position <= MAX_ID:
        return {"ok": False, "error": _l("That slide change was not understood.")}
    return current_app.extensions["live_writer"].move(client.conference_id, client.code, position)
