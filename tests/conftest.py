"""Fixtures: a real database (SQLite file, or PostgreSQL when DATABASE_URL is set),
migrated once per run and emptied after each test; factories that make a user or an item in one line."""
import io
import os
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from conference_app import create_app, db
from conference_app.auth.accounts import create_user, set_coaches
from conference_app.models import ItemKind, Role
from conference_app.portfolio import items

from tests.helpers import PASSWORD, jpeg_bytes, login


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        app = create_app({"DATABASE_URL": url, "MEDIA_ROOT": str(tmp_path_factory.mktemp("m"))})
        with app.extensions["db_engine"].begin() as conn:  # start from nothing, then migrate
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        app.extensions["db_engine"].dispose()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    migrated = create_app({"DATABASE_URL": url, "MEDIA_ROOT": str(tmp_path_factory.mktemp("m"))})
    db.upgrade(migrated)
    migrated.extensions["db_engine"].dispose()
    return url


def unit_config(database_url: str, media_root: Path, **extra) -> dict:
    return {"TESTING": True, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root),
            "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
            "MAX_CONTENT_LENGTH": 5 * 1024 * 1024, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", **extra}


@pytest.fixture
def app_config(database_url, tmp_path) -> dict:
    """Override keys in this dict (in a test module's fixture) before `app` is built."""
    return unit_config(database_url, tmp_path / "media")


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    yield app
    engine = app.extensions["db_engine"]
    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(app):
    with app.app_context():
        yield db.session()


class Factory:
    """gen_* helpers: a user, a coach link, an item, in one line each."""

    def __init__(self, app):
        self.app = app
        self.n = 0

    def _s(self):
        return db.session()

    def user(self, role=Role.STUDENT, username=None, name=None):
        self.n += 1
        username = username or f"{role}{self.n}"
        with self.app.app_context():
            return create_user(self._s(), username, name or username.title(), PASSWORD, role)

    def student(self, username=None, coaches=()):
        s = self.user(Role.STUDENT, username)
        if coaches:
            with self.app.app_context():
                set_coaches(self._s(), s, {c.id for c in coaches})
        return s

    def coach(self, username=None):
        return self.user(Role.COACH, username)

    def admin(self, username=None):
        return self.user(Role.ADMIN, username)

    def item(self, owner, kind=ItemKind.WRITING, **fields):
        fields.setdefault("title", f"Work {self.n}")
        fields.setdefault("body", "Some *writing*.")
        with self.app.app_context():
            return items.add_written(self._s(), owner, kind, **fields)

    def image_item(self, owner, **fields):
        with self.app.app_context():
            item, _ = items.add_upload(self._s(), owner, io.BytesIO(jpeg_bytes()), "photo.jpg", **fields)
            return item


@pytest.fixture
def make(app):
    return Factory(app)


@pytest.fixture
def login_as(app):
    """login_as(user) -> a fresh test client signed in as user (None: anonymous)."""
    def _login(user):
        c = app.test_client()
        return login(c, user) if user is not None else c
    return _login


@pytest.fixture(scope="module")
def live_server(database_url, tmp_path_factory):
    """The real app on a free port (gevent, WebSocket), sharing the tests' database; one per module.

    Tests that use it must put their media in live_server.media_root (see `live_app_config`)."""
    from tests.servers import LiveServer

    media = tmp_path_factory.mktemp("live-media")
    server = LiveServer(database_url, media, tmp_path_factory.mktemp("live-logs"))
    server.media_root = media
    server.start()
    yield server
    server.stop()
