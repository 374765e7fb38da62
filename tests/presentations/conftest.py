"""The cast for presentation tests: a student with a presentation, their coach, and strangers."""
import pytest
from sqlmodel import select

from conference_app import db
from conference_app.models import Presentation, Slide, SlideKind, Visibility


class Decks:
    """Helpers to make presentations and read their order straight from the database."""

    def __init__(self, app):
        self.app = app

    def make(self, owner, title="Spring day", kinds=(SlideKind.TITLE, SlideKind.SECTION, SlideKind.QUESTIONS),
             items=()):
        with self.app.app_context():
            s = db.session()
            pres = Presentation(owner_id=owner.id, title=title)
            s.add(pres)
            s.flush()
            n = 0
            for n, kind in enumerate(kinds):
                s.add(Slide(presentation_id=pres.id, position=n, kind=kind, title=f"{kind} {n}"))
            for m, item in enumerate(items, len(kinds)):
                s.add(Slide(presentation_id=pres.id, position=m, kind=SlideKind.ITEM, item_id=item.id))
            s.commit()
            return pres

    def slides(self, pres) -> list[Slide]:
        with self.app.app_context():
            return list(db.session().exec(select(Slide).where(Slide.presentation_id == pres.id)
                                          .order_by(Slide.position, Slide.id)))

    def ids(self, pres) -> list[int]:
        return [sl.id for sl in self.slides(pres)]

    def positions(self, pres) -> list[int]:
        return [sl.position for sl in self.slides(pres)]


@pytest.fixture
def decks(app):
    return Decks(app)


@pytest.fixture
def cast(make, people, decks):
    """The cast (tests/conftest.py), the owner's painting and a presentation with it."""
    item = make.image_item(people.owner, title="Painting", visibility=Visibility.SHAREABLE, alt_text="A painting")
    pres = decks.make(people.owner, items=[item])
    return dict(people=people, pres=pres, item=item, client=people.client)
