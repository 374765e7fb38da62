"""A conference with people in every role, for feedback and record tests without a live server."""
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from sqlmodel import select

from conference_app import db
from conference_app.feedback import service
from conference_app.live import conferences
from conference_app.models import Conference, Participant, Presentation, Slide, SlideKind
from tests.conftest import VIEWERS, School

HX = {"HX-Request": "true"}
XSS = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'


@dataclass
class Cast:
    school: School
    other_conference: Conference
    clients: dict  # who -> FlaskClient factory

    def client(self, who: str) -> FlaskClient:
        return self.clients[who]()


def join(app, code: str, name: str, role: str = "family", client: FlaskClient | None = None) -> FlaskClient:
    c = client or app.test_client()
    r = c.post(f"/j/{code}", data={"name": name, "role": role})
    assert r.status_code == 200 and 'data-live="follower"' in r.text, r.text[:300]
    return c


def participant_id(app, conference_id: int, name: str) -> int:
    with app.app_context():
        return db.session().exec(select(Participant.id).where(Participant.conference_id == conference_id,
                                                              Participant.display_name == name)).one()


def goto(app, conference_id: int, position: int) -> None:
    with app.app_context():
        conferences.goto(db.session(), conference_id, position)


def end(app, conference_id: int) -> None:
    with app.app_context():
        s = db.session()
        conferences.end(s, s.get(Conference, conference_id))


def send(client: FlaskClient, code: str, body: str, kind: str = "question", key: str = "key-00000001",
         position=None, hx=True):
    data = {"body": body, "kind": kind, "client_key": key}
    if position is not None:
        data["position"] = str(position)
    return client.post(f"/live/{code}/feedback", data=data, headers=HX if hx else {})


def other_conference(app, make, owner) -> Conference:
    with app.app_context():
        s = db.session()
        pres = Presentation(owner_id=owner.id, title="Leo's conference")
        s.add(pres)
        s.flush()
        s.add(Slide(presentation_id=pres.id, position=0, kind=SlideKind.TITLE, title="Leo"))
        s.commit()
        conference = conferences.create(s, pres)
        conferences.go_live(s, conference)
        return conference


@pytest.fixture
def cast(app, make, school) -> Cast:
    """The cast (tests/conftest.py) and two audience members: one of this conference, one of another."""
    other = other_conference(app, make, school.other_student)
    clients = {who: (lambda who=who: school.people.client(who)) for who in VIEWERS}
    clients["participant"] = lambda: join(app, school.conference.code, "Mum")
    clients["other_participant"] = lambda: join(app, other.code, "Stranger")
    return Cast(school, other, clients)


def stored(app, model, *where):
    with app.app_context():
        return db.session().exec(select(model).where(*where)).all()


__all__ = ["HX", "XSS", "Cast", "join", "participant_id", "goto", "end", "send", "stored", "service"]
