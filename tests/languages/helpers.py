"""The audience's whole way through a conference, on one phone, and a record of the strings a page asked
gettext for that its language's catalog does not have."""
from contextlib import contextmanager

import flask_babel

from conference_app import db
from conference_app.errors import MESSAGES
from conference_app.live import conferences, decks
from conference_app.models import Conference, Participant
from sqlmodel import select


class _Tracking:
    """A catalog that notes every string it has no translation for."""

    def __init__(self, translations, missed: set):
        self.t, self.missed = translations, missed

    def ugettext(self, string):
        if not getattr(self.t, "_catalog", {}).get(string):
            self.missed.add(string)
        return self.t.ugettext(string)

    def ungettext(self, singular, plural, n):
        if not getattr(self.t, "_catalog", {}).get((singular, 0)):
            self.missed.add(singular)
        return self.t.ungettext(singular, plural, n)

    def __getattr__(self, name):
        return getattr(self.t, name)


@contextmanager
def untranslated(monkeypatch):
    """The set of strings asked for and not found in the catalog, while the block runs."""
    missed: set = set()
    original = flask_babel.Domain.get_translations
    monkeypatch.setattr(flask_babel.Domain, "get_translations", lambda self: _Tracking(original(self), missed))
    yield missed
    monkeypatch.setattr(flask_babel.Domain, "get_translations", original)


def audience_way(app, make, people, login_as, language: str) -> list:
    """Every page and message a family sees, in `language`: home, the code, joining (with its errors), the
    follower page and every slide, feedback (refused, sent), the closed and error pages, the closing form
    (refused, sent) and the thanks. Returns the responses."""
    school = make.school(people)
    code = school.conference.code
    phone = login_as(None)
    seen = [phone.get(f"/?lang={language}"), phone.get("/join"), phone.post("/join", data={"code": ""}),
            phone.get("/j/NOSUCHCODE"), phone.get("/no-such-page"), phone.get(f"/j/{code}"),
            phone.post(f"/j/{code}", data={"name": "", "role": "family"}),
            phone.post(f"/j/{code}", data={"name": "Rosa", "role": "family"}),
            phone.get(f"/live/{code}"),
            phone.post(f"/live/{code}/feedback", data={"kind": "question", "body": "", "client_key": "k" * 16}),
            phone.post(f"/live/{code}/feedback", data={"kind": "praise", "body": "Bravo", "client_key": "p" * 16},
                       headers={"HX-Request": "true"}),
            phone.get(f"/live/{code}/feedback")]  # 405
    with app.test_request_context(f"/?lang={language}"):
        conference = db.session().get(Conference, school.conference.id)
        deck = decks.deck_for(conference)
        seen += [deck.audience(i, language) for i in range(deck.total)]
        from conference_app.errors import _render
        seen += [_render(app, status, None) for status in MESSAGES]
    seen.append(phone.get(f"/live/{code}"))  # the feed, with the feedback sent
    other = login_as(None)
    other.get(f"/?lang={language}")
    with app.app_context():
        s = db.session()
        conferences.set_locked(s, s.get(Conference, school.conference.id), True)
    seen.append(other.get(f"/j/{code}"))  # locked
    removed = login_as(None)
    removed.get(f"/?lang={language}")
    removed.post(f"/j/{make.conference(people.owner).code}", data={"name": "Sam", "role": "guest"})
    with app.app_context():
        s = db.session()
        joined = s.exec(select(Participant).where(Participant.display_name == "Sam")).one()
        conferences.remove(s, s.get(Conference, joined.conference_id), joined.id)
        removed_code = s.get(Conference, joined.conference_id).code
    seen.append(removed.get(f"/j/{removed_code}"))  # removed
    with app.app_context():
        s = db.session()
        conferences.end(s, s.get(Conference, school.conference.id))
    seen += [other.get(f"/j/{code}"),  # ended
             phone.get(f"/live/{code}/thanks", follow_redirects=True),  # the closing form first
             phone.post(f"/live/{code}/closing", data={}),
             phone.post(f"/live/{code}/closing", data={"stood_out": "Tout"}, follow_redirects=True)]
    return seen
