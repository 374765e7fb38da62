"""The slide writer: presenters' slide changes stored in batches, then pushed.

Changes that arrive while a batch is being written wait for the next one, which is a single
transaction (on PostgreSQL a single statement): when every conference changes slide at once, that
is a handful of round trips instead of one per presenter. Each change is in the database before
anyone is told.

Nothing here waits in a way that holds up anybody else. A conference whose row another transaction
holds locked is left out of the batch and tried again on its own; when the whole database is locked
(SQLite's one writer), the batch waits cooperatively and is tried again. The presenter hears the
truth meanwhile ("saving is slow, trying again"), and the status clears once the change is stored.
Only a conference's latest press is kept while it waits: presses never pile up and replay.
"""
import queue
import time
from dataclasses import dataclass, field

from flask import Flask
from flask_babel import lazy_gettext as _l

from .. import db
from ..models import Conference, ConferenceState
from . import conferences, decks, pushes

SLOW_AFTER = 1.5  # seconds a presenter's page waits for its answer before it is told saving is slow
RETRY_EVERY = 0.5
GIVE_UP_AFTER = 60.0

# Lazy: each presenter view reads them in its own language (pushes.push_status, sockets.on).
SLOW = _l("Saving is slow; trying again…")
NOT_LIVE = _l("The conference is not live.")
NOT_SAVED = _l("That slide change could not be saved. Please press again.")
LIVE = _l("Live")


@dataclass
class _Move:
    conference_id: int
    code: str
    position: int
    done: object  # an event of the server's async mode
    since: float = field(default_factory=time.monotonic)
    answer: dict | None = None
    told_slow: bool = False
    superseded: bool = False
    riders: list = field(default_factory=list)  # older presses this one replaced; answered with it


class SlideWriter:
    def __init__(self, app: Flask):
        self.app = app
        self.socketio = app.extensions["socketio"]
        self.queue = self.socketio.server.eio.create_queue()
        self.waiting: dict[int, _Move] = {}  # conference id -> its newest press not yet being written
        self.running = False

    def move(self, conference_id: int, code: str, position: int) -> dict:
        """Store a slide change and push it; the presenter's answer, or "slow" if it takes longer."""
        job = _Move(conference_id, code, position, self.socketio.server.eio.create_event())
        self._enqueue(job)
        if not self.running:
            self.running = True
            self.socketio.start_background_task(self._run)
        if job.done.wait(SLOW_AFTER):
            return job.answer
        self._tell_slow(job)
        return {"ok": False, "slow": True, "error": SLOW}

    def _enqueue(self, job: _Move) -> None:
        older = self.waiting.get(job.conference_id)
        if older is not None and older is not job:  # still waiting: the newer press replaces it
            older.superseded = True
            job.riders += [*older.riders, older]
            older.riders = []
        self.waiting[job.conference_id] = job
        self.queue.put(job)

    def _run(self) -> None:
        while True:
            batch = [self.queue.get()]
            while True:
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            jobs = [job for job in batch if not job.superseded]
            for job in jobs:
                if self.waiting.get(job.conference_id) is job:
                    del self.waiting[job.conference_id]
            if jobs:
                self._write(jobs)

    def _write(self, jobs: list[_Move]) -> None:
        with self.app.app_context():
            try:
                s = db.session()
                deck_of = {job.conference_id: self._deck(s, job) for job in jobs}
                with db.waiting_at_most(RETRY_EVERY):  # held up: back to waiting, where a newer press replaces it
                    results = conferences.goto_many(s, [(j.conference_id, j.position,
                                                         deck_of[j.conference_id].slide_ids) for j in jobs])
            except Exception as e:  # (the batch is tried again; the writer lives on)
                db.session().rollback()
                if not db.is_busy(e):
                    self.app.logger.exception("slide changes could not be stored")
                for job in jobs:
                    self._retry(job)
                return
            for job, moved in zip(jobs, results):
                if moved is conferences.BUSY:
                    self._retry(job)
                elif moved is None:
                    self._finish(job, {"ok": False, "error": NOT_LIVE})
                else:
                    self._stored(s, job, moved, deck_of[job.conference_id])

    def _deck(self, s, job: _Move) -> decks.RenderedDeck:
        deck = decks.cached(self.app, job.conference_id, job.code)
        if deck is None:
            deck = decks.deck_for(s.get(Conference, job.conference_id))
        return deck

    def _stored(self, s, job: _Move, moved: conferences.Moved, deck: decks.RenderedDeck) -> None:
        try:
            if moved.changed:
                if moved.deck_version != deck.version:  # the work changed (perhaps through another process)
                    deck = decks.deck_for(s.get(Conference, job.conference_id, populate_existing=True))
                pushes.push_state(deck, {"conference": job.conference_id, "seq": moved.seq, "position": moved.position,
                                         "total": deck.total, "state": ConferenceState.LIVE})
            if any(each.told_slow for each in [*job.riders, job]):
                pushes.push_status(job.conference_id, LIVE, "live")
        except Exception:  # (stored: phones get it with their next sync)
            self.app.logger.exception("conference %s: slide change stored but not pushed", job.conference_id)
        self._finish(job, {"ok": True, "seq": moved.seq, "position": moved.position})

    def _finish(self, job: _Move, answer: dict) -> None:
        for each in [*job.riders, job]:
            each.answer = answer
            each.done.set()

    def _tell_slow(self, job: _Move) -> None:
        if not job.told_slow:
            job.told_slow = True
            with self.app.app_context():
                pushes.push_status(job.conference_id, SLOW, "slow")

    def _retry(self, job: _Move) -> None:
        """Try the press again a little later, unless a newer one came meanwhile or it is too late."""
        if time.monotonic() - job.since > GIVE_UP_AFTER:
            with self.app.app_context():
                pushes.push_status(job.conference_id, NOT_SAVED, "down")
            self._finish(job, {"ok": False, "error": NOT_SAVED})
            return
        newer = self.waiting.get(job.conference_id)
        if newer is not None:  # a newer press is queued: it answers for this one too
            newer.riders += [*job.riders, job]
            return
        self.waiting[job.conference_id] = job

        def later():
            self.socketio.sleep(RETRY_EVERY)
            if not job.superseded:
                self.queue.put(job)

        self.socketio.start_background_task(later)
