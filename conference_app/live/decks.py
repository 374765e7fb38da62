"""The deck cache: a conference's slides rendered once per role, and checked before every use.

The slide order is frozen when the conference is made, so everything a slide change sends can be
rendered ahead: a change then only looks its fragments up. A rendered deck carries the conference's
`deck_version` from when it was rendered; the version is bumped in the database whenever the work on
the slides changes (`invalidate_owner`), and every use compares it with the stored one. So a process
that did not see the change itself (several processes behind a load balancer) renders again rather
than serve withdrawn work.
"""
from contextlib import nullcontext

from flask import Flask, current_app, has_request_context, render_template
from flask_babel import force_locale
from sqlalchemy import update

from .. import db, languages
from ..models import Conference, ConferenceState
from ..portfolio.render import media_url
from . import conferences


class RenderedDeck:
    """Every slide of one conference, rendered for phones and for the presenter (tens of kilobytes), once
    per language asked for (the frame around the student's words is in the reader's language)."""

    def __init__(self, conference: Conference):
        self.version = conference.deck_version
        self.slide_ids = conference.slide_ids
        self.views = conferences.views_of(db.session(), conference)
        self._audience: dict[str, list[str]] = {}
        self._presenter: dict[str, list[str]] = {}
        with rendering():
            self._preload = [media_url(nxt.files, "projector", nxt.slide.page) if nxt and nxt.item else None
                             for nxt in [*self.views[1:], None]]

    def _render_audience(self, language: str) -> None:
        if language not in self._audience:
            with rendering(), force_locale(language):
                self._audience[language] = [render_template("live/_follow_slide.html", view=v) for v in self.views]

    def _render_presenter(self, language: str) -> None:
        if language not in self._presenter:
            with rendering(), force_locale(language):
                self._presenter[language] = [render_template("live/_presenter_slide.html", view=v, next_view=nxt)
                                             for v, nxt in zip(self.views, [*self.views[1:], None])]

    @property
    def total(self) -> int:
        return len(self.views)

    def audience(self, position: int, language: str | None = None) -> str:
        """The slide for phones, in `language` (the page's or the forced one unless told)."""
        language = language or languages.current()
        self._render_audience(language)
        return self._audience[language][position]

    def presenter(self, position: int, language: str | None = None) -> str:
        language = language or languages.current()
        self._render_presenter(language)
        return self._presenter[language][position]

    def preload(self, position: int) -> str | None:
        """The next slide's picture, for the presenter and the projector screen to fetch ahead."""
        return self._preload[position]


def init_app(app: Flask) -> None:
    app.extensions["live_decks"] = {}


def rendering():
    """Templates and url_for need a request context; Socket.IO handlers and the writer run without one."""
    return nullcontext() if has_request_context() else current_app.test_request_context("/")


def _cache(app: Flask | None = None) -> dict:
    return (app or current_app).extensions["live_decks"]


def cached(app: Flask, conference_id: int, code: str) -> RenderedDeck | None:
    """The deck this process rendered, whatever its version (the slide writer checks it after storing)."""
    return _cache(app).get((conference_id, code))


def deck_for(conference: Conference) -> RenderedDeck:
    """The conference's deck as stored now. Keyed by id and code: an id SQLite reuses after a delete
    never finds another conference's deck."""
    decks, key = _cache(), (conference.id, conference.code)
    deck = decks.get(key)
    if deck is None or deck.version != conference.deck_version:
        deck = decks[key] = RenderedDeck(conference)
    return deck


def views(conference: Conference) -> list:
    """The conference's slides as SlideViews: the cached deck's while it is open (feedback names the slide
    of every message it pushes), built afresh once it has ended (a record, read now and then)."""
    if conference.is_open:
        return deck_for(conference).views
    return conferences.views_of(db.session(), conference)


def drop(conference: Conference) -> None:
    _cache().pop((conference.id, conference.code), None)


def render_audience(conference: Conference) -> str:
    if conference.state != ConferenceState.LIVE or not conference.slide_ids:
        return ""
    return deck_for(conference).audience(conference.position)


def render_presenter(conference: Conference) -> str:
    return deck_for(conference).presenter(conference.position) if conference.slide_ids else ""


def invalidate_owner(owner_id: int) -> list[int]:
    """The work of this student changed: every process renders their open conferences' slides again.
    Returns the ids of those conferences that are live (their phones get the current slide again)."""
    c = Conference.__table__.c
    s = db.session()
    rows = s.execute(update(Conference.__table__)
                     .where(c.owner_id == owner_id, c.state != ConferenceState.ENDED.value)
                     .values(deck_version=c.deck_version + 1)
                     .returning(c.id, c.state)).all()
    s.commit()
    return [row.id for row in rows if row.state == ConferenceState.LIVE]
