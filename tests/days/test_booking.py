"""Families choose their time: the day offers the free times, each family picks one through its invitation
(siblings back to back), a time another family just took is refused, and the admin fills in the rest."""
from datetime import UTC, datetime, timedelta

from conference_app import db
from conference_app.days import service
from conference_app.models import PortfolioDay
from tests.days.conftest import make_day_school


def _booking_school(app, make, people):
    school = make_day_school(app, make, people, schedule=False)
    with app.app_context():
        s = db.session()
        s.get(PortfolioDay, school.day_id).booking = True
        s.commit()
    assert people.client("admin").post(f"/days/{school.day_id}/open").status_code == 303
    return school


def test_families_book_their_own_time_and_the_admin_fills_the_rest(app, make, people, login_as):
    school = _booking_school(app, make, people)
    assert school.slot(app, people.owner).starts_min is None  # nobody placed, invitations made
    letters = people.client("admin").get(f"/days/{school.day_id}/print").text
    assert letters.count('<article class="letter"') == 2
    assert "Choisissez votre horaire avec le lien ci-dessous." in letters  # (the Mensahs' French)
    mensah = login_as(None)
    token = school.token(app, people.owner)
    page = mensah.get(f"/i/{token}?lang=en").text
    assert "Choose your time" in page and "Amara 09:00 (Room 4) · Kofi 09:25 (Room 4)" in page
    assert mensah.post(f"/i/{token}/book", data={}).status_code == 422
    assert mensah.post(f"/i/{token}/book", data={"starts": "9"}).status_code == 422  # not an offered time
    assert mensah.post(f"/i/{token}/book", data={"starts": str(9 * 60)}).status_code == 303
    amara, kofi = school.slot(app, people.owner), school.slot(app, school.sibling)
    assert (amara.starts_min, kofi.starts_min) == (540, 565)  # back to back
    # the Fischers: Room 4 is taken at 09:00, the Library is not
    fischer = login_as(None)
    theirs = school.token(app, people.other_student)
    assert "09:00 (Library)" in fischer.get(f"/i/{theirs}?lang=en").text
    # the Mensahs change their mind: their old times are free again for themselves
    assert mensah.post(f"/i/{token}/book", data={"starts": str(9 * 60 + 25)}).status_code == 303
    assert school.slot(app, people.owner).starts_min == 565
    # the admin fills in those who did not choose
    assert people.client("admin").post(f"/days/{school.day_id}/schedule", data={}).status_code == 303
    assert school.slot(app, people.other_student).starts_min is not None
    assert school.slot(app, people.owner).starts_min == 565  # the family's choice is kept
    with app.app_context():
        s = db.session()
        assert service.conflicts(s, s.get(PortfolioDay, school.day_id)) == []


def test_a_time_taken_meanwhile_is_refused(app, make, people, login_as):
    school = _booking_school(app, make, people)
    with app.app_context():
        s = db.session()
        day = s.get(PortfolioDay, school.day_id)
        for sp in service.spaces_of(s, day):
            sp.capacity = 1
        s.commit()
    mensah, fischer = login_as(None), login_as(None)
    token, theirs = school.token(app, people.owner), school.token(app, people.other_student)
    mensah.get(f"/i/{token}?lang=en")
    fischer.get(f"/i/{theirs}?lang=en")
    # both rooms at 09:00: the Fischers take the Library; the Mensahs' Room 4 at 09:00 is still free
    assert fischer.post(f"/i/{theirs}/book", data={"starts": "540"}).status_code == 303
    with app.app_context():
        s = db.session()
        day = s.get(PortfolioDay, school.day_id)
        options = service.booking_options(s, day, school.invitation(app, people.owner))
    assert 540 in options
    # someone else takes Room 4 at 09:00 before the Mensahs press: they are told, and choose again
    with app.app_context():
        s = db.session()
        from conference_app.models import DaySpace
        s.get(DaySpace, options[540][0][2]).capacity = 0
        s.commit()
    refused = mensah.post(f"/i/{token}/book", data={"starts": "540"})
    assert refused.status_code == 409 and "This time has just been taken" in refused.text
    assert school.slot(app, people.owner).starts_min is None


def test_booking_stops_on_the_day(app, make, people, login_as):
    school = _booking_school(app, make, people)
    token = school.token(app, people.owner)
    school.set_date(app, datetime.now(UTC).date())
    response = login_as(None).post(f"/i/{token}/book", data={"starts": "540"})
    assert response.status_code == 409 and "ask the school" in response.text
    assert "Choose your time" not in login_as(None).get(f"/i/{token}?lang=en").text
    school.set_date(app, datetime.now(UTC).date() - timedelta(days=1))
    assert login_as(None).post(f"/i/{token}/book", data={"starts": "540"}).status_code == 410


def test_a_day_that_is_not_a_booking_day_opens_no_booking(app, people, day_school, login_as):
    assert people.client("admin").post(f"/days/{day_school.day_id}/open").status_code == 409
    token = day_school.token(app, people.owner)
    assert login_as(None).post(f"/i/{token}/book", data={"starts": "540"}).status_code == 409
