"""The conference state machine. The database is the truth: every change is stored
before anyone is told about it, so a restarted server loses nothing."""
from flask_babel import gettext as _
import secrets
from dataclasses import dataclass

from sqlalchemy import bindparam, insert, select as core_select, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..models import (AudienceRole, Conference, ConferenceState, Participant, Presentation, Slide, SlideKind,
                      SlideVisit, User, utcnow)
from ..presentations.slides import SlideView, deck, ordered_slides
from . import codes


class ConferenceError(ValueError):
    pass


def open_conference(s: Session, presentation_id: int) -> Conference | None:
    return s.exec(select(Conference).where(Conference.presentation_id == presentation_id,
                                           Conference.state != ConferenceState.ENDED)).first()


def create(s: Session, presentation: Presentation) -> Conference:
    """The open conference of this presentation, or a new one in the lobby with a fresh code."""
    existing = open_conference(s, presentation.id)
    if existing:
        return existing
    order = ",".join(str(sl.id) for sl in ordered_slides(s, presentation.id))
    for _attempt in range(5):  # a clash among 8.5e11 codes is rare; retrying makes it harmless
        conference = Conference(presentation_id=presentation.id, owner_id=presentation.owner_id,
                                code=codes.new_code(), slide_order=order)
        s.add(conference)
        try:
            s.commit()
            return conference
        except IntegrityError:
            s.rollback()
    raise ConferenceError(_("Could not make a join code; please try again."))


# The statements every join runs, built once: building and keying a statement costs more than running
# it on a small table, and a school's phones join a thousand at a time.
_BY_CODE = select(Conference).where(Conference.code == bindparam("code"))
_BY_TOKEN = select(Participant).where(Participant.conference_id == bindparam("conference_id"),
                                      Participant.token == bindparam("token"))
_SHOWN = select(SlideVisit.position).where(SlideVisit.conference_id == bindparam("conference_id"))


def by_code(s: Session, code: str) -> Conference | None:
    code = codes.normalise(code)
    if not codes.looks_valid(code):
        return None
    return s.exec(_BY_CODE, params={"code": code}).first()


def slides_of(s: Session, conference: Conference) -> list[Slide]:
    """The frozen slide order. A slide deleted since (its work was deleted, say) keeps its place as
    withheld work, never shown: positions, the visit log and the record stay in step."""
    ids = conference.slide_ids
    found = {sl.id: sl for sl in s.exec(select(Slide).where(Slide.id.in_(ids)))} if ids else {}
    return [found.get(i) or Slide(id=i, presentation_id=conference.presentation_id, position=n, kind=SlideKind.ITEM,
                                  title=_("Removed")) for n, i in enumerate(ids)]


def views_of(s: Session, conference: Conference) -> list[SlideView]:
    presentation = s.get(Presentation, conference.presentation_id)
    return deck(s, presentation, slides_of(s, conference))


def shown_positions(s: Session, conference_id: int) -> set[int]:
    return set(s.exec(_SHOWN, params={"conference_id": conference_id}))


def participants(s: Session, conference_id: int) -> list[Participant]:
    return list(s.exec(select(Participant).where(Participant.conference_id == conference_id,
                                                 Participant.removed == False)  # noqa: E712
                       .order_by(Participant.joined_at, Participant.id)))


def join(s: Session, conference: Conference, name: str, role: str, user: User | None = None,
         language: str = "en") -> Participant:
    if not conference.is_open:
        raise ConferenceError(_("This conference has ended."))
    if conference.locked:
        raise ConferenceError(_("This conference is locked: no one else can join."))
    participant = Participant(conference_id=conference.id, display_name=name.strip(), role=role,
                              user_id=user.id if user and role == AudienceRole.COACH else None,
                              token=secrets.token_urlsafe(24), language=language)
    s.add(participant)
    s.commit()
    return participant


def set_language(s: Session, participant: Participant, language: str) -> None:
    """The participant chose another language (the follower page's menu)."""
    participant.language = language
    s.add(participant)
    s.commit()


def participant_by_token(s: Session, conference_id: int, token: str | None) -> Participant | None:
    if not token:
        return None
    return s.exec(_BY_TOKEN, params={"conference_id": conference_id, "token": token}).first()


def remove(s: Session, conference: Conference, participant_id: int) -> Participant | None:
    participant = s.get(Participant, participant_id)
    if participant is None or participant.conference_id != conference.id:
        return None
    participant.removed, participant.online, participant.left_at = True, False, utcnow()
    s.commit()
    return participant


def set_presence(s: Session, online: dict[int, bool]) -> None:
    """Who connected and who left since the last time, in one statement each way (a school's Wi-Fi
    dropping is a thousand at once). Nothing changes for a participant that is gone or whose conference
    has ended."""
    now, open_conferences = utcnow(), core_select(Conference.id).where(Conference.state != ConferenceState.ENDED)
    for state in (True, False):
        ids = sorted(p for p, o in online.items() if o is state)
        for start in range(0, len(ids), 500):
            s.execute(update(Participant)
                      .where(Participant.id.in_(ids[start:start + 500]), Participant.online != state,
                             Participant.removed == False,  # noqa: E712
                             Participant.conference_id.in_(open_conferences))
                      .values(online=state, **({} if state else {"left_at": now}))
                      .execution_options(synchronize_session=False))  # (no participant is loaded in this session)
    s.commit()


def set_locked(s: Session, conference: Conference, locked: bool) -> None:
    conference.locked = locked
    s.commit()


def go_live(s: Session, conference: Conference) -> None:
    if conference.state != ConferenceState.LOBBY:
        return
    conference.state, conference.started_at = ConferenceState.LIVE, utcnow()
    conference.seq += 1
    s.add(SlideVisit(conference_id=conference.id, position=conference.position,
                     slide_id=_slide_at(conference, conference.position)))
    s.commit()


def _slide_at(conference: Conference, position: int) -> int | None:
    ids = conference.slide_ids
    return ids[position] if 0 <= position < len(ids) else None


@dataclass
class Moved:
    seq: int
    position: int
    changed: bool
    deck_version: int = 0


BUSY = "busy"  # goto_many's answer for a conference whose row another transaction holds: try again

_conference, _visit = Conference.__table__.c, SlideVisit.__table__.c
# Built once: the slide change runs for every press of every presenter, so it skips the ORM.
_MOVE = (update(Conference.__table__)
         .where(_conference.id == bindparam("cid"), _conference.state == ConferenceState.LIVE.value,
                _conference.position != bindparam("pos"))
         .values(position=bindparam("pos"), seq=_conference.seq + 1)
         .returning(_conference.seq, _conference.deck_version))
_CLOSE_VISIT = (update(SlideVisit.__table__)
                .where(_visit.conference_id == bindparam("cid"), _visit.ended_at.is_(None))
                .values(ended_at=bindparam("now")))
_OPEN_VISIT = insert(SlideVisit.__table__).values(
    conference_id=bindparam("cid"), position=bindparam("pos"), started_at=bindparam("at"), ended_at=bindparam("until"),
    # the slide, if it still exists: a slide deleted mid-conference must not fail the batch
    slide_id=core_select(Slide.__table__.c.id).where(Slide.__table__.c.id == bindparam("sid")).scalar_subquery())
_WHERE = core_select(_conference.state, _conference.position, _conference.seq,
                     _conference.deck_version).where(_conference.id == bindparam("cid"))
_COMPILED: dict[tuple, object] = {}  # (statement, dialect name) -> the statement compiled for it

# PostgreSQL: a whole batch of slide changes in one statement (one round trip). A conference whose
# row another transaction holds locked is skipped (SKIP LOCKED), not waited for: it is answered BUSY
# and tried again on its own, so one stuck conference never holds up the others.
_MOVE_MANY_PG = text("""
WITH v AS (SELECT * FROM unnest(CAST(:cids AS integer[]), CAST(:poss AS integer[]), CAST(:sids AS integer[]))
           AS v(cid, pos, sid)),
locked AS (SELECT c.id FROM conference c JOIN v ON v.cid = c.id FOR UPDATE OF c SKIP LOCKED),
moved AS (UPDATE conference c SET position = v.pos, seq = c.seq + 1 FROM v
          WHERE c.id = v.cid AND c.id IN (SELECT id FROM locked) AND c.state = 'live' AND c.position <> v.pos
          RETURNING c.id, c.seq, c.position, c.deck_version),
closed AS (UPDATE slidevisit sv SET ended_at = :now
           WHERE sv.conference_id IN (SELECT id FROM moved) AND sv.ended_at IS NULL),
opened AS (INSERT INTO slidevisit (conference_id, position, started_at, slide_id)
           SELECT m.id, m.position, :now, (SELECT s.id FROM slide s WHERE s.id = v.sid)
           FROM moved m JOIN v ON v.cid = m.id)
SELECT v.cid, c.state, COALESCE(m.seq, c.seq) AS seq, COALESCE(m.position, c.position) AS position,
       COALESCE(m.deck_version, c.deck_version) AS deck_version, m.id IS NOT NULL AS changed,
       l.id IS NOT NULL AS got_lock
FROM v LEFT JOIN conference c ON c.id = v.cid LEFT JOIN moved m ON m.id = v.cid LEFT JOIN locked l ON l.id = v.cid
""")


def _on_cursor(conn, statement, rows: list[dict], fetch: bool = False):
    """`statement` straight on the driver's cursor, in the session's transaction, once per row of values
    (executemany unless a row is fetched): when every conference changes slide at once, SQLAlchemy's own
    work per execute and per row of parameters (about 60 µs) was a tenth of the server's time."""
    key = (statement, conn.dialect.name)
    if key not in _COMPILED:
        compiled = statement.compile(dialect=conn.dialect)
        convert = {name: bind.type.bind_processor(conn.dialect) for name, bind in compiled.binds.items()}
        _COMPILED[key] = compiled, {name: f for name, f in convert.items() if f is not None}
    compiled, convert = _COMPILED[key]

    def params(row):
        values = {**compiled.params, **row}
        for name, f in convert.items():  # (the types' own conversions: a datetime as SQLite stores it)
            if name in values:
                values[name] = f(values[name])
        return tuple(values[name] for name in compiled.positiontup) if compiled.positional else values

    cursor = conn.connection.dbapi_connection.cursor()
    try:
        if fetch:
            cursor.execute(compiled.string, params(rows[0]))
            return cursor.fetchone()
        cursor.executemany(compiled.string, [params(row) for row in rows])
    finally:
        cursor.close()


def _move_on_cursor(conn, conference_id: int, position: int) -> tuple[int, int] | None:
    row = _on_cursor(conn, _MOVE, [{"cid": conference_id, "pos": position}], fetch=True)
    return (row[0], row[1]) if row else None


def goto(s: Session, conference_id: int, position: int, slide_ids: list[int] | None = None) -> Moved | None:
    """Move a live conference to `position` (clamped to its slides); None if it is not live."""
    if slide_ids is None:
        conference = s.get(Conference, conference_id)
        slide_ids = conference.slide_ids if conference else []
    return goto_many(s, [(conference_id, position, slide_ids)])[0]


def goto_many(s: Session, moves: list[tuple[int, int, list[int]]]) -> list[Moved | None | str]:
    """Several slide changes (conference id, position, frozen slide ids) in one transaction, in order.

    A conditional UPDATE bumps seq atomically, so two presenters pressing at once still give every
    change its own number; each change also gets its row in the visit log. Each answer is a Moved
    (changed, or already there), None (not live), or BUSY (locked by another transaction: try again).
    """
    moves = [(cid, max(0, min(pos, len(ids) - 1)) if ids else pos, ids) for cid, pos, ids in moves]
    ids = [cid for cid, _pos, _slides in moves]
    if s.connection().dialect.name == "postgresql" and len(set(ids)) == len(ids):
        return _goto_many_pg(s, moves)
    return _goto_many_each(s, moves)


def _goto_many_pg(s: Session, moves: list[tuple[int, int, list[int]]]) -> list[Moved | None | str]:
    live = [(cid, pos, ids[pos]) for cid, pos, ids in moves if ids]
    rows = {}
    if live:
        rows = {row.cid: row for row in s.connection().execute(_MOVE_MANY_PG, {
            "cids": [m[0] for m in live], "poss": [m[1] for m in live], "sids": [m[2] for m in live],
            "now": utcnow()})}
    s.commit()
    results: list[Moved | None | str] = []
    for cid, _pos, _ids in moves:
        row = rows.get(cid)
        if row is None or row.state != ConferenceState.LIVE:
            results.append(None)
        elif not row.got_lock:
            results.append(BUSY)
        else:
            results.append(Moved(row.seq, row.position, row.changed, row.deck_version))
    return results


def _goto_many_each(s: Session, moves: list[tuple[int, int, list[int]]]) -> list[Moved | None | str]:
    conn, now = s.connection(), utcnow()
    results: list[Moved | None | str] = []
    visits: list[dict] = []  # the new visit rows, written together below
    latest: dict[int, dict] = {}  # conference id -> its last new visit (a second move in the batch ends the first)
    for conference_id, position, slide_ids in moves:
        if not slide_ids:
            results.append(None)
            continue
        stored = _move_on_cursor(conn, conference_id, position)
        if stored is None:  # not live, or already there: answered below
            results.append(None)
            continue
        if conference_id in latest:
            latest[conference_id]["until"] = now
        latest[conference_id] = {"cid": conference_id, "pos": position, "sid": slide_ids[position], "at": now,
                                 "until": None}
        visits.append(latest[conference_id])
        results.append(Moved(stored[0], position, True, stored[1]))
    if visits:  # one statement each for all the conferences (executemany): close the open visits, log the new
        _on_cursor(conn, _CLOSE_VISIT, [{"cid": cid, "now": now} for cid in latest])
        _on_cursor(conn, _OPEN_VISIT, visits)
    s.commit()
    for i, (conference_id, _position, slide_ids) in enumerate(moves):
        if results[i] is None and slide_ids:
            at = s.connection().execute(_WHERE, {"cid": conference_id}).first()
            if at is not None and at.state == ConferenceState.LIVE:
                results[i] = Moved(at.seq, at.position, False, at.deck_version)
    s.commit()
    return results


def end(s: Session, conference: Conference) -> None:
    if conference.state == ConferenceState.ENDED:
        return
    now = utcnow()
    s.execute(update(SlideVisit).where(SlideVisit.conference_id == conference.id, SlideVisit.ended_at.is_(None))
              .values(ended_at=now))
    conference.state, conference.ended_at = ConferenceState.ENDED, now
    conference.seq += 1
    for p in participants(s, conference.id):
        p.online = False
    s.commit()
