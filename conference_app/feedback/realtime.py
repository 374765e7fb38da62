"""Feedback over Socket.IO, on the live conference's connections and rooms.

Stored first, then rendered once per audience and fanned out:
- moderators (presenter view, coach panel: the presenter room) get every item, hidden ones marked;
- phones (the audience room) get a participant-safe rendering of visible items when the conference
  shows everyone's feedback; otherwise only the author's phone (its participant room) gets its own.
- hiding pushes `feedback_hidden` to the audience room; a hidden item is never rendered for another phone
  again (pushes, `feedback_sync` on every (re)connect, page loads all read `service.for_audience`), and its
  sender's phone keeps it, marked "Not shown to everyone."
"""
from flask import Flask, render_template
from flask_babel import force_locale
from markupsafe import Markup

from .. import db, languages
from ..live import decks
from ..live.pushes import (audience_languages, audience_room, emit, participant_room, per_language, presenter_room,
                           staff_languages)
from ..live import sockets
from ..live.sockets import FOLLOWER, PRESENTER, client_of
from ..models import Conference, Feedback, Participant
from . import service


def init_app(app: Flask) -> None:
    sockets.on(app, "feedback_sync", on_feedback_sync)


def render_items(entries, moderator: bool) -> Markup:
    return Markup("".join(render_template("feedback/_item.html", e=e, moderator=moderator) for e in entries))


def push_feedback(feedback_id: int) -> None:
    """A new or changed item: to moderators always; to phones only while it is visible."""
    s = db.session()
    feedback = s.get(Feedback, feedback_id)
    conference = s.get(Conference, feedback.conference_id)
    per_language("feedback", presenter_room(conference.id), staff_languages(conference.id),
                 lambda: {"id": feedback.id, "html": render_items([service.entry(s, feedback, False)], True)})
    if feedback.hidden:
        emit("feedback_hidden", {"id": feedback.id}, to=audience_room(conference.id))
        return

    def payload():
        return {"id": feedback.id, "author": feedback.participant_id,
                "html": render_items([service.entry(s, feedback, True)], False)}

    if conference.show_feedback:
        per_language("feedback", audience_room(conference.id), audience_languages(conference.id), payload)
    else:
        author = s.get(Participant, feedback.participant_id)
        with force_locale(languages.valid(author.language) or languages.DEFAULT):
            emit("feedback", payload(), to=participant_room(feedback.participant_id))


def push_resync(conference_id: int) -> None:
    """What phones may see changed as a whole (the setting): each phone asks again for its list."""
    emit("feedback_resync", {}, to=audience_room(conference_id))


def on_feedback_sync(sid: str, data=None):
    """A (re)connected client asks for the feed; it gets the list it may see, and only it gets it."""
    client = client_of(sid)
    if client is None:
        return {"ok": False}
    s = db.session()
    conference = s.get(Conference, client.conference_id)
    if conference is None:
        return {"ok": False}
    with decks.rendering():  # (the items' buttons are URLs: a Socket.IO event has no request of its own)
        if client.view == PRESENTER:
            html = render_items(service.for_moderators(s, conference), True)
        elif client.view == FOLLOWER:
            participant = s.get(Participant, client.participant_id)
            if participant is None or participant.removed:
                return {"ok": False}
            html = render_items(service.for_audience(s, conference, participant), False)
        else:
            return {"ok": True}
    emit("feedback_list", {"html": html, "show_all": conference.show_feedback}, to=sid)
    return {"ok": True}
