"""The database: one engine per app, one session per request, migrations by Alembic."""
import sqlite3
import time
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
BUSY_WAIT_SECONDS = 10.0  # how long a statement waits for SQLite's write lock before it gives up
_busy_wait = ContextVar("busy_wait", default=BUSY_WAIT_SECONDS)


@contextmanager
def waiting_at_most(seconds: float):
    """Statements in this block give up on a held SQLite lock sooner (the slide writer retries by itself)."""
    token = _busy_wait.set(seconds)
    try:
        yield
    finally:
        _busy_wait.reset(token)


def _busy(error: sqlite3.OperationalError) -> bool:
    """The lock is held by someone else; waiting may help (not a stale snapshot, where it never does)."""
    return getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _waiting(call, *args):
    """Run a SQLite call, waiting for the write lock in short naps that let other greenlets run.

    SQLite's own busy handler sleeps in C, which under gevent freezes every conference; the
    connection is opened with no busy timeout and the waiting happens here instead (time.sleep is
    gevent's under the production server).
    """
    deadline, nap = time.monotonic() + _busy_wait.get(), 0.001
    while True:
        try:
            return call(*args)
        except sqlite3.OperationalError as e:
            if not _busy(e) or time.monotonic() + nap > deadline:
                raise
            time.sleep(nap)
            nap = min(nap * 2, 0.05)


class _CooperativeCursor(sqlite3.Cursor):
    def execute(self, sql, parameters=()):
        return _waiting(super().execute, sql, parameters)

    def executemany(self, sql, parameters):
        return _waiting(super().executemany, sql, parameters)


class CooperativeConnection(sqlite3.Connection):
    """sqlite3's documented `factory=`: statements and commits that wait for the lock cooperatively."""

    def cursor(self, factory=_CooperativeCursor):
        return super().cursor(factory)

    def commit(self):
        return _waiting(super().commit)


def make_engine(url: str, pool_size: int = 20) -> Engine:
    """An engine; SQLite gets WAL, foreign keys and cooperative lock waits on every connection."""
    if url.startswith("sqlite"):
        pool = {} if ":memory:" in url or url == "sqlite://" else {"pool_size": pool_size, "max_overflow": pool_size}
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 0,
                                                  "factory": CooperativeConnection}, **pool)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    # psycopg 3 waits cooperatively under gevent by itself; the pool is sized for a school's phones
    # posting at once (SQLAlchemy's default, 5 + 10, made 300 phones queue for a connection).
    return create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=pool_size)


def is_busy(error: Exception) -> bool:
    """A database error that means "locked by someone else, try again", on either database."""
    orig = getattr(error, "orig", error)
    return isinstance(orig, sqlite3.OperationalError) and _busy(orig)


def init_app(app: Flask) -> None:
    """Create the engine for this app and close the request's session at teardown."""
    url = app.config["DATABASE_URL"]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    app.extensions["db_engine"] = make_engine(url, int(app.config.get("DB_POOL_SIZE", 20)))
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return current_app.extensions["db_engine"]


def session() -> Session:
    """The session of this request (or app context), opened on first use."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


def _close_session(_exc=None) -> None:
    s = g.pop("db_session", None)
    if s is not None:
        s.close()


def alembic_config(app: Flask) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = app.extensions["db_engine"]
    return cfg


def upgrade(app: Flask) -> None:
    """Bring the database to the newest migration."""
    command.upgrade(alembic_config(app), "head")
