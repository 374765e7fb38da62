"""Taking a reaction, limiting it per phone, showing it, and counting it.

Counts are added up in the process and written once a second in one statement per slide and kind (a
room of phones clapping is one write, not hundreds). Several processes each write what they took: the
counts add up in the database."""
import threading

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from limits import parse, storage, strategies

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import select

from .. import db
from ..live.pushes import emit, presenter_room, screen_room
from ..live.sockets import FOLLOWER, client_of
from ..models import Conference, ConferenceState, ReactionCount

# The fixed set, in the order phones show them: kind -> (emoji, what a screen reader says)
KINDS = {"clap": ("👏", _l("Applause")), "heart": ("❤️", _l("Love it")), "wow": ("😮", _l("Wow")),
         "think": ("🤔", _l("Makes me think")), "hand": ("✋", _l("I have a question"))}
FLUSH_SECONDS = 1.0


class Tally:
    """Reactions taken by this process and not yet written: {(conference id, position, kind): n}."""

    def __init__(self, app: Flask):
        self.app = app
        self.pending: dict[tuple[int, int, str], int] = {}
        self.lock = threading.Lock()
        self.started = False

    def add(self, conference_id: int, position: int, kind: str) -> None:
        with self.lock:
            key = (conference_id, position, kind)
            self.pending[key] = self.pending.get(key, 0) + 1
            if not self.started:
                self.started = True
                self.app.extensions["socketio"].start_background_task(self._run)

    def _run(self) -> None:
        socketio = self.app.extensions["socketio"]
        while True:
            socketio.sleep(FLUSH_SECONDS)
            with self.app.app_context():
                try:
                    self.flush()
                except Exception:  # the counts stay pending and go with the next flush
                    self.app.logger.exception("Writing reaction counts failed")

    def flush(self) -> None:
        with self.lock:
            taken, self.pending = self.pending, {}
        if not taken:
            return
        s = db.session()
        try:
            dialect = s.get_bind().dialect.name
            insert = pg_insert if dialect == "postgresql" else sqlite_insert
            for (conference_id, position, kind), n in taken.items():
                statement = insert(ReactionCount).values(conference_id=conference_id, position=position, kind=kind,
                                                         count=n)
                s.exec(statement.on_conflict_do_update(
                    index_elements=["conference_id", "position", "kind"],
                    set_={"count": ReactionCount.__table__.c.count + n}))
            s.commit()
        except Exception:
            s.rollback()
            with self.lock:
                for key, n in taken.items():
                    self.pending[key] = self.pending.get(key, 0) + n
            raise


def init_app(app: Flask) -> None:
    app.extensions["reaction_tally"] = Tally(app)
    app.extensions["reaction_limiter"] = strategies.MovingWindowRateLimiter(
        storage.storage_from_string(app.config["RATELIMIT_STORAGE_URI"]))


def on_react(sid: str, data=None) -> dict:
    """A phone's reaction to the slide on screen now: shown to the presenter and the projector, counted."""
    client = client_of(sid)
    if client is None or client.view != FOLLOWER:
        return {"ok": False, "error": "Only phones in the conference can react."}
    kind = data.get("kind") if isinstance(data, dict) else None
    if not isinstance(kind, str) or kind not in KINDS:
        return {"ok": False, "error": "That reaction is not one of the choices."}
    limit = parse(current_app.config["REACTION_RATE_LIMIT"])
    # per phone: its participant, keyed with the conference's code too (an id SQLite reuses never inherits a limit)
    if not current_app.extensions["reaction_limiter"].hit(limit, "reaction", client.code, str(client.participant_id)):
        return {"ok": False, "error": str(_l("Slow down a little: your reactions will count again in a moment.")),
                "limited": True}
    conference = db.session().get(Conference, client.conference_id)
    if conference is None or conference.state != ConferenceState.LIVE:
        return {"ok": False, "error": "The conference is not live."}
    current_app.extensions["reaction_tally"].add(conference.id, conference.position, kind)
    for room in (presenter_room(conference.id), screen_room(conference.id)):
        emit("reaction", {"kind": kind, "emoji": KINDS[kind][0], "position": conference.position}, to=room)
    return {"ok": True}


def counts_for(conference_id: int) -> dict[int, dict[str, int]]:
    """{position: {kind: count}} of a conference (the record's table)."""
    current_app.extensions["reaction_tally"].flush()  # what this process took and has not written yet
    out: dict[int, dict[str, int]] = {}
    for row in db.session().exec(select(ReactionCount).where(ReactionCount.conference_id == conference_id)):
        out.setdefault(row.position, {})[row.kind] = row.count
    return out



