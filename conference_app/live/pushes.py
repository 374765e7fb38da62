"""What the server pushes to a conference's rooms: the slide, who is there, a removal, the end.

Every push goes through `emit` here (Flask-SocketIO's, so with a message queue it reaches the rooms
in every process). Rooms: the audience's phones, the projector screen, the presenter views (the
student's page and the coach panel), and one room per participant for what only that phone gets.
Pushes that carry text go to each language's part of a room (`in_language`): a connection is in its
room and in that room's part for its language, and each part gets its own rendering (`per_language`).
"""
from flask import current_app, render_template, url_for
from flask_babel import force_locale
from sqlmodel import select

from .. import db, languages
from ..models import Conference, ConferenceState, Participant
from . import conferences, decks


def audience_room(conference_id: int) -> str:
    return f"conference:{conference_id}"


def screen_room(conference_id: int) -> str:
    return f"conference:{conference_id}:screen"


def presenter_room(conference_id: int) -> str:
    return f"conference:{conference_id}:presenter"


def participant_room(participant_id: int) -> str:
    return f"participant:{participant_id}"


def in_language(room: str, language: str) -> str:
    return f"{room}:{language}"


def emit(event: str, data: dict, to: str) -> None:
    """With a message queue a push is published for every process, but one to a single connection of this
    process (the answer to a phone's sync) goes straight to it (python-socketio's `ignore_queue`): every
    process decoding every phone's first slide made a join cost twice as much with two processes."""
    local = (current_app.config.get("SOCKETIO_MESSAGE_QUEUE")
             and current_app.extensions["live_clients"].get(to) is not None)
    current_app.extensions["socketio"].emit(event, data, to=to, **({"ignore_queue": True} if local else {}))


def audience_languages(conference_id: int) -> set[str]:
    """The languages the conference's phones are in: in one process, the language rooms someone is in (no
    query per push: a burst changes 250 conferences at once); with a message queue, every language stored
    on its participants (phones connected to another process are not known here)."""
    if not current_app.config.get("SOCKETIO_MESSAGE_QUEUE"):
        manager, room = current_app.extensions["socketio"].server.manager, audience_room(conference_id)
        return {code for code in languages.LANGUAGES if manager.occupied(in_language(room, code))}
    rows = db.session().exec(select(Participant.language).distinct()
                             .where(Participant.conference_id == conference_id, Participant.removed == False))  # noqa: E712
    return {code for code in rows if languages.valid(code)}


def staff_languages(conference_id: int) -> set[str]:
    """The languages of the presenter views and the projector screen open now, in any process (with a
    message queue, as counted in Redis: `views.py`)."""
    shared = current_app.extensions["live_views"]
    if shared is not None:
        return shared.languages(conference_id)
    return current_app.extensions["live_clients"].staff_languages(conference_id)


def per_language(event: str, room: str, codes: set[str], payload_of) -> None:
    """`payload_of()` rendered in each language and sent to that language's part of the room."""
    for code in sorted(codes):
        with force_locale(code):
            emit(event, payload_of(), to=in_language(room, code))


def state_of(conference: Conference, deck: decks.RenderedDeck, shown: bool = False) -> dict:
    """Where the conference is. `shown` adds every position shown so far (for a client that (re)connects;
    a push adds only its own position, which phones collect)."""
    state = {"conference": conference.id, "seq": conference.seq, "position": conference.position,
             "total": deck.total, "state": conference.state}
    if shown:
        state["shown"] = sorted(conferences.shown_positions(db.session(), conference.id))
    return state


def slide_payloads(deck: decks.RenderedDeck, state: dict) -> dict[str, tuple[str, dict]]:
    """Each view's push of the current slide: event name and payload, rendered ahead in the deck (in the
    current language)."""
    position, live = state["position"], state["state"] == ConferenceState.LIVE
    audience = {**state, "html": deck.audience(position) if live else ""}
    preload = deck.preload(position)
    return {"follower": ("slide", audience),
            "screen": ("slide", {**audience, "preload": preload}),
            "presenter": ("presenter", {**state, "html": deck.presenter(position), "preload": preload})}


def push_state(deck: decks.RenderedDeck, state: dict) -> None:
    """The slide to every view of the conference: once per language in use, each view's payload built
    in that language (a burst is 250 of these at once, so one locale switch each, not one per view)."""
    conference_id = state["conference"]
    staff, audience = staff_languages(conference_id), audience_languages(conference_id)
    rooms = (("follower", audience_room(conference_id), audience), ("screen", screen_room(conference_id), staff),
             ("presenter", presenter_room(conference_id), staff))
    for code in sorted(staff | audience):
        with force_locale(code):
            payloads = slide_payloads(deck, state)
            for view, room, codes in rooms:
                if code in codes:
                    emit(*payloads[view], to=in_language(room, code))


def push_slide(conference_id: int) -> None:
    """Push the current slide, as stored now, to everyone in the conference."""
    conference = db.session().get(Conference, conference_id)
    deck = decks.deck_for(conference)
    push_state(deck, state_of(conference, deck))


def push_status(conference_id: int, text: str, state: str) -> None:
    """A word to the presenter views about their slide changes ("saving is slow, trying again")."""
    per_language("status", presenter_room(conference_id), staff_languages(conference_id),
                 lambda: {"text": str(text), "state": state})


def push_participants(conference_id: int) -> None:
    current_app.extensions["live_participants"].changed(conference_id)


def push_presence(conference_id: int, participant_id: int, online: bool) -> None:
    """A participant's phone connected (or their last one left): stored and pushed with the others."""
    current_app.extensions["live_participants"].changed(conference_id, {participant_id: online})


def push_removed(conference: Conference, participant_id: int) -> None:
    """Tell the removed phone to leave; every process closes its connections (`sockets.drop_participant`)."""
    emit("removed", {"url": url_for("live.join", code=conference.code)}, to=participant_room(participant_id))
    current_app.extensions["live_bus"].publish("participant_removed", participant_id=participant_id)


def push_ended(conference: Conference) -> None:
    decks.drop(conference)
    emit("ended", {"url": url_for("live.thanks", code=conference.code)}, to=audience_room(conference.id))
    for room in (screen_room(conference.id), presenter_room(conference.id)):
        emit("ended", {"url": url_for("live.ended", conference_id=conference.id)}, to=room)


class ParticipantLists:
    """Who is there, stored and pushed to the presenter's participant list at most once every `delay`
    seconds for all conferences.

    When a school's families arrive together (or its Wi-Fi drops), every connect and disconnect is noted
    here; one flush stores them all (`conferences.set_presence`: a statement each way, not a write per
    phone). A conference whose list changed (someone joined, was removed, the door was locked) gets its
    list rendered once; one where phones only came or went gets who is connected now (`presence`: the ids,
    no rendering and no query), which the presenter's page marks on the list it has.
    """

    def __init__(self, app, delay: float = 0.25):
        self.app, self.delay = app, delay
        self.dirty: set[int] = set()  # conferences whose list is to be rendered again
        self.moved: dict[int, dict[int, bool]] = {}  # conference id -> its phones that came or went
        self.online: dict[int, bool] = {}  # participant id -> connected, not stored yet
        self.scheduled = False
        self.renders = 0  # lists rendered so far (tests check a storm of joins renders few)
        self.flushes = 0  # presence stored so far, in one transaction each
        self.failures = 0  # flushes in a row that could not store presence (the next waits longer)

    def changed(self, conference_id: int, online: dict[int, bool] | None = None) -> None:
        """The conference's list changed, or (`online`) only who of it is connected."""
        self.online.update(online or {})
        if self._may_be_watched(conference_id):
            if online is None:
                self.dirty.add(conference_id)
            else:
                self.moved.setdefault(conference_id, {}).update(online)
        if (self.dirty or self.moved or self.online) and not self.scheduled:
            self.scheduled = True
            self.app.extensions["socketio"].start_background_task(self._flush)

    def _may_be_watched(self, conference_id: int) -> bool:
        """Whether a presenter view (or the projector screen) is open, in any process."""
        return bool(staff_languages(conference_id))

    def _flush(self) -> None:
        """One at a time: what is noted while it runs waits for the next (so marks put back are the older)."""
        try:
            self.app.extensions["socketio"].sleep(self.delay if not self.failures else min(2 ** self.failures, 30))
            ids, self.dirty = self.dirty, set()
            moved, self.moved = self.moved, {}
            online, self.online = self.online, {}
            with self.app.app_context():
                if online:
                    try:
                        conferences.set_presence(db.session(), online)
                        self.flushes, self.failures = self.flushes + 1, 0
                    except Exception:  # (the lists still go out; the marks are kept and tried again, later each time)
                        db.session().rollback()
                        self.app.logger.exception("presence of %s participants not stored; trying again",
                                                  len(online))
                        self.failures += 1
                        self.online = {**online, **self.online}  # a mark noted meanwhile is newer
                for conference_id in sorted(ids | moved.keys()):
                    if not self._may_be_watched(conference_id):  # its presenter left meanwhile (the Wi-Fi dropped)
                        continue
                    try:
                        if conference_id in ids:  # (rendered after presence is stored: it shows who is connected)
                            self._push(conference_id)
                        else:
                            emit("presence", {"online": {str(pid): on for pid, on in moved[conference_id].items()}},
                                 to=presenter_room(conference_id))
                    except Exception:  # (one conference's list must not stop the others')
                        self.app.logger.exception("conference %s: participant list not pushed", conference_id)
                    # after each list, whatever waits meanwhile (a slide change) goes first: when the Wi-Fi drops,
                    # hundreds of lists in one go held up the conferences still running for a second
                    self.app.extensions["socketio"].sleep(0)
        finally:
            self.scheduled = bool(self.dirty or self.moved or self.online)
            if self.scheduled:
                self.app.extensions["socketio"].start_background_task(self._flush)

    def _push(self, conference_id: int, to: str | None = None, language: str | None = None) -> None:
        s = db.session()
        conference = s.get(Conference, conference_id)
        if conference is None:
            return
        people = conferences.participants(s, conference_id)

        def payload():
            with decks.rendering():
                html = render_template("live/_participants.html", conference=conference, participants=people)
            self.renders += 1
            return {"html": html}

        if to:
            with force_locale(language or languages.DEFAULT):
                emit("participants", payload(), to=to)
        else:
            per_language("participants", presenter_room(conference_id), staff_languages(conference_id), payload)

    def send_to(self, conference_id: int, sid: str, language: str) -> None:
        """The list as it is now, to one presenter view that (re)connected."""
        self._push(conference_id, to=sid, language=language)
