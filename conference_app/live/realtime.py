"""Socket.IO: what the server pushes (slides, who joined, removal, the end) and the presenter's navigation.

Who a connection is gets decided once, at connect, from the signed cookie session (never from
anything the client says) and kept per socket id in this process. A slide change is stored first,
then rendered once per role and pushed to the conference's rooms; phones never fetch it.
"""
import queue
from contextlib import nullcontext
from dataclasses import dataclass

from flask import Flask, current_app, has_request_context, render_template, request, url_for
from flask_login import current_user
from flask_socketio import Namespace, SocketIO, join_room

from .. import db
from ..models import Conference, ConferenceState
from ..portfolio.items import item_changed
from ..portfolio.render import media_url
from . import conferences, wire_json
from .access import current_participant, may_present
from .fanout import DirectManager

PRESENTER, SCREEN, FOLLOWER = "presenter", "screen", "follower"


@dataclass
class Client:
    conference_id: int
    code: str
    view: str
    participant_id: int | None = None


def audience_room(conference_id: int) -> str:
    return f"conference:{conference_id}"


def screen_room(conference_id: int) -> str:
    return f"conference:{conference_id}:screen"


def presenter_room(conference_id: int) -> str:
    return f"conference:{conference_id}:presenter"


def participant_room(participant_id: int) -> str:
    return f"participant:{participant_id}"


def _async_mode(app: Flask) -> str:
    """gevent when the process is monkey-patched (the `serve` and `demo` commands), else threading."""
    if app.config.get("SOCKETIO_ASYNC_MODE"):
        return app.config["SOCKETIO_ASYNC_MODE"]
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover
        return "threading"
    return "gevent" if monkey.is_module_patched("socket") else "threading"


def init_app(app: Flask) -> None:
    """One SocketIO per app (a shared module-level one breaks a second app in the same process)."""
    # async_handlers=False: one connection's events are handled in order (a presenter's quick
    # presses land in the order pressed), and without a new greenlet per event.
    # One process: rooms live here, and pushes may go straight to idle WebSockets (fanout.py). Several
    # processes: Flask-SocketIO's message-queue manager relays every push through Redis.
    queue_url = app.config.get("SOCKETIO_MESSAGE_QUEUE")
    socketio = SocketIO(app, async_mode=_async_mode(app), message_queue=queue_url,
                        **({} if queue_url else {"client_manager": DirectManager()}),
                        manage_session=False, async_handlers=False, ping_interval=10, ping_timeout=20, json=wire_json)
    app.extensions["live_clients"] = {}
    app.extensions["live_decks"] = {}
    app.extensions["live_writer"] = SlideWriter(app, socketio)
    socketio.on_namespace(LiveNamespace("/"))  # connect and disconnect: they need the cookie session
    item_changed.connect(_refresh_decks_showing, sender=app)
    socketio.server.on("goto", lambda sid, data=None: _on_goto(app, sid, data), namespace="/")
    socketio.server.on("sync", lambda sid, data=None: _on_sync(app, sid, data), namespace="/")


def _socketio() -> SocketIO:
    return current_app.extensions["socketio"]


def _clients() -> dict[str, Client]:
    return current_app.extensions["live_clients"]


# ---- rendering: once per role, once per slide ----------------------------------------------------

class RenderedDeck:
    """A conference's slides rendered for each role once, when the conference is first needed.

    The slide order is frozen when the conference is made, so everything a slide change sends can
    be rendered ahead: a change then only looks its fragments up. Kept per process for the
    conference's lifetime (tens of kilobytes per conference).
    """

    def __init__(self, conference: Conference):
        s = db.session()
        self.slide_ids = conference.slide_ids
        self.views = conferences.views_of(s, conference)
        self.item_ids = {v.item.id for v in self.views if v.item is not None}
        self.shown = conferences.shown_positions(s, conference.id)
        with _rendering():
            self._audience = [render_template("live/_follow_slide.html", view=v) for v in self.views]
            self._presenter = [render_template("live/_presenter_slide.html", view=v, next_view=nxt)
                               for v, nxt in zip(self.views, [*self.views[1:], None])]
            self._preload = [media_url(nxt.files, "projector", nxt.slide.page) if nxt and nxt.item else None
                             for nxt in [*self.views[1:], None]]

    @property
    def total(self) -> int:
        return len(self.views)

    def audience(self, position: int) -> str:
        return self._audience[position]

    def presenter(self, position: int) -> str:
        return self._presenter[position]

    def preload(self, position: int) -> str | None:
        """The next slide's picture, for the presenter and the projector screen to fetch ahead."""
        return self._preload[position]


def _refresh_decks_showing(app: Flask, item_id: int) -> None:
    """An item was edited, approved or deleted: conferences showing it render their slides again, and
    phones get the current slide again at once (a withdrawn approval takes the work off their screens)."""
    decks = app.extensions["live_decks"]
    for key in [key for key, deck in decks.items() if item_id in deck.item_ids]:
        del decks[key]  # rendered again when next needed, from what is stored now
        try:
            conference = db.session().get(Conference, key[0])
            if conference is not None and conference.state == ConferenceState.LIVE:
                push_slide(conference.id)
        except Exception:  # noqa: BLE001  (the change is stored; phones get it with the next slide)
            app.logger.exception("conference %s: slides not pushed again", key[0])


def _rendering():
    """Templates and url_for need a request context; the hot Socket.IO handlers run without one."""
    return nullcontext() if has_request_context() else current_app.test_request_context("/")


def deck_for(conference: Conference) -> RenderedDeck:
    """Keyed by id and code: a reused id (SQLite may reuse one after a delete) never finds another's deck."""
    decks, key = current_app.extensions["live_decks"], (conference.id, conference.code)
    if key not in decks:
        decks[key] = RenderedDeck(conference)
    return decks[key]


def render_audience(conference: Conference) -> str:
    if conference.state != ConferenceState.LIVE or not conference.slide_ids:
        return ""
    return deck_for(conference).audience(conference.position)


def render_presenter(conference: Conference) -> str:
    return deck_for(conference).presenter(conference.position) if conference.slide_ids else ""


def _state(conference: Conference, deck: RenderedDeck) -> dict:
    if conference.state == ConferenceState.LIVE:
        deck.shown.add(conference.position)
    return {"conference": conference.id, "seq": conference.seq, "position": conference.position,
            "total": deck.total, "state": conference.state, "shown": sorted(deck.shown)}


def push_slide(conference_id: int) -> None:
    """Push the current slide to everyone in the conference: one fragment per role, looked up."""
    conference = db.session().get(Conference, conference_id)
    _push(deck_for(conference), _state(conference, deck_for(conference)))


def _push(deck: RenderedDeck, state: dict) -> None:
    position = state["position"]
    audience = {**state, "html": deck.audience(position) if state["state"] == ConferenceState.LIVE else ""}
    preload = deck.preload(position)
    sio = _socketio().server
    conference_id = state["conference"]
    sio.emit("slide", audience, to=audience_room(conference_id), namespace="/")
    sio.emit("slide", {**audience, "preload": preload}, to=screen_room(conference_id), namespace="/")
    sio.emit("presenter", {**state, "html": deck.presenter(position), "preload": preload},
             to=presenter_room(conference_id), namespace="/")


def push_participants(conference_id: int) -> None:
    s = db.session()
    conference = s.get(Conference, conference_id)
    html = render_template("live/_participants.html", conference=conference,
                           participants=conferences.participants(s, conference_id))
    _socketio().emit("participants", {"html": html}, to=presenter_room(conference_id))


def push_removed(conference_id: int, participant_id: int) -> None:
    """Tell the removed phone, then close its connections here (a removed token cannot reconnect)."""
    sio = _socketio()
    sio.emit("removed", {"url": url_for("live.join", code=db.session().get(Conference, conference_id).code)},
             to=participant_room(participant_id))
    for sid, client in list(_clients().items()):
        if client.participant_id == participant_id:
            sio.server.disconnect(sid, namespace="/")


def push_ended(conference_id: int) -> None:
    conference = db.session().get(Conference, conference_id)
    current_app.extensions["live_decks"].pop((conference.id, conference.code), None)
    sio = _socketio()
    sio.emit("ended", {"url": url_for("live.thanks", code=conference.code)}, to=audience_room(conference_id))
    sio.emit("ended", {"url": url_for("live.ended", conference_id=conference_id)}, to=screen_room(conference_id))
    sio.emit("ended", {"url": url_for("live.ended", conference_id=conference_id)},
             to=presenter_room(conference_id))


# ---- the connection -----------------------------------------------------------------------------

def _identify(auth) -> Client | None:
    try:
        conference_id, view = int((auth or {}).get("conference")), (auth or {}).get("view")
    except (TypeError, ValueError):
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
        return Client(conference_id, conference.code, view, participant.id if participant else None)
    return Client(conference_id, conference.code, FOLLOWER, participant.id) if participant else None


class LiveNamespace(Namespace):
    def on_connect(self, auth=None):
        client = _identify(auth)
        if client is None:
            raise ConnectionRefusedError("not a member of this conference")
        _clients()[request.sid] = client
        if client.view == PRESENTER:
            join_room(presenter_room(client.conference_id))
        elif client.view == SCREEN:
            join_room(screen_room(client.conference_id))
        else:
            join_room(audience_room(client.conference_id))
        if client.participant_id:
            join_room(participant_room(client.participant_id))
            conferences.set_online(db.session(), client.participant_id, True)
            push_participants(client.conference_id)

    def on_disconnect(self, reason=None):
        client = _clients().pop(request.sid, None)
        if client and client.participant_id:
            still_here = any(c.participant_id == client.participant_id for c in _clients().values())
            if not still_here:
                conferences.set_online(db.session(), client.participant_id, False)
                push_participants(client.conference_id)


# ---- the hot path: straight on python-socketio ---------------------------------------------------
# No request context and no cookie decoding per event: who the connection is was settled at
# connect (above) and is looked up by sid; only an app context is pushed, for the database.

@dataclass
class _Move:
    conference_id: int
    position: int
    deck: "RenderedDeck"
    done: object  # an event of the server's async mode
    result: conferences.Moved | None = None


class SlideWriter:
    """Stores slide changes in batches, then pushes them.

    Changes that arrive while a batch is being written wait for the next one, which is a single
    transaction: when every conference changes slide at once, that is a handful of commits instead
    of one per presenter. Each change is still in the database before anyone is told.
    """

    def __init__(self, app: Flask, socketio: SocketIO):
        self.app, self.socketio = app, socketio
        self.queue = socketio.server.eio.create_queue()
        self.running = False

    def move(self, conference_id: int, position: int, deck: "RenderedDeck") -> conferences.Moved | None:
        if not self.running:
            self.running = True
            self.socketio.start_background_task(self._run)
        job = _Move(conference_id, position, deck, self.socketio.server.eio.create_event())
        self.queue.put(job)
        job.done.wait(10)
        return job.result

    def _run(self) -> None:
        while True:
            batch = [self.queue.get()]
            while True:
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            try:
                self._write(batch)
            except Exception:  # noqa: BLE001  (a failed batch answers "not moved"; the writer lives on)
                self.app.logger.exception("slide changes could not be stored")
            finally:
                for job in batch:
                    job.done.set()

    def _write(self, batch: list[_Move]) -> None:
        with self.app.app_context():
            results = conferences.goto_many(db.session(), [(j.conference_id, j.position, j.deck.slide_ids)
                                                           for j in batch])
            for job, moved in zip(batch, results):
                job.result = moved
                if moved is not None and moved.changed:
                    job.deck.shown.add(moved.position)
                    # no "shown" list: a phone got it with its sync and adds each pushed position itself
                    _push(job.deck, {"conference": job.conference_id, "seq": moved.seq, "position": moved.position,
                                     "total": job.deck.total, "state": ConferenceState.LIVE})


def _on_goto(app: Flask, sid: str, data=None) -> dict:
    """The presenter moves; anybody else is ignored. Runs without an app context unless the deck must be
    rendered: the writer stores the change in its own."""
    client = app.extensions["live_clients"].get(sid)
    if client is None or client.view != PRESENTER:
        return {"ok": False, "error": "only the presenter can change slides"}
    try:
        position = int((data or {}).get("position"))
    except (TypeError, ValueError):
        return {"ok": False, "error": "bad position"}
    deck = app.extensions["live_decks"].get((client.conference_id, client.code))
    if deck is None:
        with app.app_context():
            conference = db.session().get(Conference, client.conference_id)
            if conference is None:
                return {"ok": False, "error": "the conference is not live"}
            deck = deck_for(conference)
    moved = app.extensions["live_writer"].move(client.conference_id, position, deck)
    if moved is None:
        return {"ok": False, "error": "the conference is not live"}
    return {"ok": True, "seq": moved.seq, "position": moved.position}


def _on_sync(app: Flask, sid: str, data=None) -> dict:
    """A (re)connected client asks where things are; only it gets the answer."""
    with app.app_context():
        client = _clients().get(sid)
        if client is None:
            return {"ok": False}
        conference = db.session().get(Conference, client.conference_id)
        sio = _socketio().server
        if conference.state == ConferenceState.ENDED:
            with _rendering():
                url = (url_for("live.thanks", code=conference.code) if client.view == FOLLOWER
                       else url_for("live.ended", conference_id=conference.id))
            sio.emit("ended", {"url": url}, to=sid, namespace="/")
            return {"ok": True}
        deck = deck_for(conference)
        state = _state(conference, deck)
        if client.view == PRESENTER:
            sio.emit("presenter", {**state, "html": deck.presenter(conference.position),
                                   "preload": deck.preload(conference.position)}, to=sid, namespace="/")
        else:
            payload = {**state, "html": render_audience(conference)}
            if client.view == SCREEN:
                payload["preload"] = deck.preload(conference.position)
            sio.emit("slide", payload, to=sid, namespace="/")
        return {"ok": True, "seq": conference.seq}
