"""Fixtures for every folder's tests: a real database (SQLite file, or PostgreSQL when DATABASE_URL is set),
migrated once per run and emptied after each test; `make`, the factory that makes a user, an item, the cast of
people or a whole live school in one line; `people` and `school`, the cast itself.
"""
import io
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from conference_app import create_app, db
from conference_app.auth.accounts import create_user, set_coaches
from conference_app.live import conferences
from conference_app.models import Conference, ItemKind, Presentation, Role, Slide, SlideKind, User
from conference_app.portfolio import items
from tests.helpers import PASSWORD, jpeg_bytes, login

VIEWERS = ["owner", "coach", "other_student", "other_coach", "admin", "anonymous"]  # the cast, for who-may tests


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
            "MAX_CONTENT_LENGTH": 5 * 1024 * 1024, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "EXPORT_ROOT": str(media_root.parent / "exports"),
            "ERASURE_REGISTER": str(media_root.parent / "erasures.jsonl"), **extra}


@pytest.fixture
def fresh_url(database_url, tmp_path):
    """An empty database of the same kind as the tests' own, dropped afterwards."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"{url.database}_restore_{uuid.uuid4().hex[:6]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def app_config(request, database_url, tmp_path) -> dict:
    """Override keys in this dict (in a test module's fixture) before `app` is built. A test that runs the
    live server writes its media where that server reads them."""
    media = tmp_path / "media"
    if "live_server" in request.fixturenames:
        media = request.getfixturevalue("live_server").media_root
    return unit_config(database_url, media)


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


@dataclass
class People:
    """The cast: a student (the owner of the work) with their coach, another student with another coach,
    an admin; `client(who)` is a test client signed in as one of them (or "anonymous")."""
    owner: User
    coach: User
    other_student: User
    other_coach: User
    admin: User
    login_as: object

    def __getitem__(self, who: str) -> User | None:
        return None if who == "anonymous" else getattr(self, who)

    def client(self, who: str):
        return self.login_as(self[who])


@dataclass
class School:
    """The people, and the owner's five-slide presentation (two pictures) in a conference."""
    people: People
    presentation: Presentation
    conference: Conference
    slides: list[Slide]

    student = property(lambda self: self.people.owner)
    coach = property(lambda self: self.people.coach)
    other_student = property(lambda self: self.people.other_student)
    other_coach = property(lambda self: self.people.other_coach)


class Factory:
    """gen_* helpers: a user, a coach link, an item, the cast, a live school, in one line each."""

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

    def conference(self, owner, slides: int = 4, live: bool = True, title: str = "S") -> Conference:
        """A presentation of `slides` section slides (titled S0, S1, … or with another prefix) and its conference."""
        with self.app.app_context():
            s = self._s()
            presentation = Presentation(owner_id=owner.id, title=f"{title} presentation")
            s.add(presentation)
            s.flush()
            s.add_all([Slide(presentation_id=presentation.id, position=i, kind=SlideKind.SECTION, title=f"{title}{i}")
                       for i in range(slides)])
            s.commit()
            conference = conferences.create(s, presentation)
            if live:
                conferences.go_live(s, conference)
            return conference

    def people(self, login_as=None) -> People:
        coach, other_coach = self.coach("coach"), self.coach("othercoach")
        return People(owner=self.student("amara", coaches=[coach]), coach=coach,
                      other_student=self.student("leo", coaches=[other_coach]), other_coach=other_coach,
                      admin=self.admin("admin"), login_as=login_as)

    def school(self, people: People | None = None, live: bool = True) -> School:
        people = people or self.people()
        student = people.owner
        first = self.image_item(student, title="First picture", visibility="shareable", alt_text="A red square")
        later = self.image_item(student, title="LATER-WORK", visibility="shareable", alt_text="Another square")
        with self.app.app_context():
            s = self._s()
            presentation = Presentation(owner_id=student.id, title="Spring conference")
            s.add(presentation)
            s.flush()
            specs = [dict(kind=SlideKind.TITLE, title="Welcome SLIDE-ZERO"),
                     dict(kind=SlideKind.ITEM, item_id=first.id, talking_points="SECRET-TALK-1", prompt="Ask me how"),
                     dict(kind=SlideKind.SECTION, title="SECTION-TWO", talking_points="SECRET-TALK-2"),
                     dict(kind=SlideKind.ITEM, item_id=later.id),
                     dict(kind=SlideKind.QUESTIONS, title="Questions for you")]
            slides = [Slide(presentation_id=presentation.id, position=i, **spec) for i, spec in enumerate(specs)]
            s.add_all(slides)
            s.commit()
            conference = conferences.create(s, presentation)
            if live:
                conferences.go_live(s, conference)
            return School(people, presentation, conference, slides)


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


@pytest.fixture
def people(make, login_as) -> People:
    return make.people(login_as)


@pytest.fixture
def school(make, people) -> School:
    return make.school(people)


@pytest.fixture
def lobby_school(make, people) -> School:
    return make.school(people, live=False)


@pytest.fixture
def phones():
    """Every Socket.IO client a test opens, closed at the end."""
    opened = []
    yield opened
    for phone in opened:
        phone.close()


@pytest.fixture(scope="module")
def live_server(database_url, tmp_path_factory):
    """The real app on a free port (gevent, WebSocket), sharing the tests' database; one per module.

    Tests that put work on its slides use `app_config = media_on_live_server`; a module that needs other
    settings has its own, `live_server = server_fixture(...)` (both in tests/servers.py)."""
    from tests.servers import serving

    with serving(database_url, tmp_path_factory, "live") as server:
        yield server
