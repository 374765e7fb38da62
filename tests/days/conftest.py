"""A small school with an e-Portfolio day: one group with the owner (coach: coach), her brother Kofi (same coach,
same family) and the other student (other coach), two rooms."""
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from conference_app import db
from conference_app.days import service
from conference_app.models import PortfolioDay, Slot, TutorGroup, User


@dataclass
class DaySchool:
    people: object
    day_id: int
    sibling: User
    group_id: int

    def slot(self, app, student) -> Slot:
        with app.app_context():
            return db.session().exec(select(Slot).where(Slot.day_id == self.day_id,
                                                        Slot.student_id == student.id)).one()

    def invitation(self, app, student):
        with app.app_context():
            s = db.session()
            return service.invitation_of_student(s, s.get(PortfolioDay, self.day_id), student.id)

    def token(self, app, student) -> str:
        with app.test_request_context():
            return service.token_of(self.invitation(app, student))

    def set_date(self, app, held_on: date) -> None:
        with app.app_context():
            s = db.session()
            s.get(PortfolioDay, self.day_id).held_on = held_on
            s.commit()


def make_day_school(app, make, people, held_on: date | None = None, schedule: bool = True) -> DaySchool:
    sibling = make.student("kofi", coaches=[people.coach])
    with app.app_context():
        s = db.session()
        group = TutorGroup(name="7A")
        s.add(group)
        s.flush()
        for u in (people.owner, people.other_student, sibling):
            s.get(User, u.id).tutor_group_id = group.id
        owner = s.get(User, people.owner.id)
        family = service.put_family(s, owner, "mensah", email="mensah@example.org", language="fr")
        service.put_family(s, s.get(User, sibling.id), "mensah")
        service.put_family(s, s.get(User, people.other_student.id), "fischer", email="fischer@example.org",
                           language="es")
        assert family.id
        held_on = held_on or datetime.now(UTC).date() + timedelta(days=7)
        day = PortfolioDay(name="Spring e-Portfolio day", held_on=held_on,
                           starts_min=9 * 60, ends_min=11 * 60, slot_minutes=20, changeover_minutes=5,
                           group_ids=str(group.id))
        s.add(day)
        s.flush()
        service.set_spaces(s, day, [("Room 4", 1), ("Library", 2)])
        s.commit()
        if schedule:
            service.auto_schedule(s, day)
        return DaySchool(people, day.id, sibling, group.id)


@pytest.fixture
def day_school(app, make, people) -> DaySchool:
    return make_day_school(app, make, people)
