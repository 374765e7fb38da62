"""Two students with everything a school year leaves: work, a presentation, an ended conference with a family,
feedback, a record with its own pictures, a family copy, a shared selection, goals."""
from dataclasses import dataclass

import pytest
from sqlmodel import select

from conference_app import db
from conference_app.feedback import service as feedback
from conference_app.live import conferences
from conference_app.models import Conference, LinkKind, Participant, Presentation, Slide, SlideKind
from conference_app.links import service as links


@dataclass
class Year:
    school: object
    leaver_conference: int
    stayer_conference: int


def _a_year_of(app, make, student, coach_id, family_name: str, title: str) -> int:
    picture = make.image_item(student, title=f"{title}-PICTURE", visibility="shareable", alt_text="a square")
    make.item(student, title=f"{title}-WRITING", visibility="shareable")
    with app.app_context():
        s = db.session()
        p = Presentation(owner_id=student.id, title=f"{title} presentation")
        s.add(p)
        s.flush()
        s.add_all([Slide(presentation_id=p.id, position=0, kind=SlideKind.TITLE, title=f"{title}-WELCOME"),
                   Slide(presentation_id=p.id, position=1, kind=SlideKind.ITEM, item_id=picture.id)])
        s.commit()
        c = conferences.create(s, p)
        conferences.go_live(s, c)
        participant = conferences.join(s, c, family_name, "family")
        conferences.goto(s, c.id, 1)
        feedback.send(s, c, participant, kind="question", body=f"{family_name}-MESSAGE", position=1,
                      client_key="k-000000001")
        feedback.add_action(s, c, coach_id, f"{title}-GOAL", "student", None)
        conferences.end(s, c)
        from conference_app.records import fixed
        fixed.fix(s, c)
        links.make(s, LinkKind.FAMILY, student.id, 30, conference_id=c.id, participant_id=participant.id,
                   label=family_name)
        links.make(s, LinkKind.SELECTION, student.id, 30, label="College", item_ids=[picture.id])
        return c.id


@pytest.fixture
def year(app, make, people):
    leaver = _a_year_of(app, make, people.owner, people.coach.id, "Mum", "LEAVER")
    stayer = _a_year_of(app, make, people.other_student, people.other_coach.id, "Grandad", "STAYER")
    with app.app_context():
        s = db.session()
        assert s.exec(select(Participant).where(Participant.conference_id == leaver)).one()
        assert s.get(Conference, stayer).state == "ended"
    return Year(people, leaver, stayer)
