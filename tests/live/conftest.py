"""A scripted school for live tests: a student with a coach, two pictures and a five-slide presentation."""
from dataclasses import dataclass

import pytest

from conference_app import db
from conference_app.live import conferences
from conference_app.models import Conference, Presentation, Slide, SlideKind, User


@pytest.fixture
def app_config(app_config, live_server):
    app_config["MEDIA_ROOT"] = str(live_server.media_root)  # the server must find the uploads
    return app_config


@dataclass
class School:
    student: User
    coach: User
    other_coach: User
    other_student: User
    presentation: Presentation
    conference: Conference
    slides: list[Slide]


def build_school(app, make, live=True) -> School:
    coach, other_coach = make.coach("coach"), make.coach("othercoach")
    student = make.student("amara", coaches=[coach])
    other_student = make.student("leo", coaches=[other_coach])
    first = make.image_item(student, title="First picture", visibility="shareable", alt_text="A red square")
    later = make.image_item(student, title="LATER-WORK", visibility="shareable", alt_text="Another square")
    with app.app_context():
        s = db.session()
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
        return School(student, coach, other_coach, other_student, presentation, conference, slides)


@pytest.fixture
def school(app, make):
    return build_school(app, make)


@pytest.fixture
def lobby_school(app, make):
    return build_school(app, make, live=False)


@pytest.fixture
def phones():
    """Every Socket.IO client a test opens, closed at the end."""
    opened = []
    yield opened
    for phone in opened:
        phone.close()
