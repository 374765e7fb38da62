"""Every route of the day: who may and who may not; bad input is a clear 4xx; the schedule's moves, swaps and
shifts keep the day valid."""
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from conference_app import db
from conference_app.days import service
from conference_app.models import DaySpace, Invitation, PortfolioDay, Slot
from tests.conftest import VIEWERS

ADMIN_ONLY = [("get", "/days/new"), ("get", "/days/{day}/edit"), ("post", "/days/{day}/schedule"),
              ("get", "/days/{day}/print"), ("post", "/days/{day}/swap"), ("post", "/days/{day}/shift"),
              ("post", "/days/{day}/slots/{slot}/move"), ("post", "/days/{day}/send"), ("post", "/days/{day}/open"),
              ("get", "/families/{family}"), ("post", "/families/{family}"), ("post", "/days/{day}/edit")]


def _urls(app, day_school, people):
    slot = day_school.slot(app, people.owner)
    return dict(day=day_school.day_id, slot=slot.id, family=day_school.invitation(app, people.owner).family_id)


def _expect_refused(response):
    assert response.status_code in (302, 403, 404), response.status_code
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("method,url", ADMIN_ONLY)
def test_only_the_admin_sets_up_schedules_prints_and_sends(app, people, day_school, who, method, url):
    client = people.client(who)
    response = getattr(client, method)(url.format(**_urls(app, day_school, people)))
    if who == "admin":
        assert response.status_code in (200, 303, 409, 422), (url, response.status_code)
    else:
        _expect_refused(response)


@pytest.mark.parametrize("who", VIEWERS)
def test_the_schedule_page_admin_all_coach_their_students_others_nothing(app, people, day_school, who):
    response = people.client(who).get(f"/days/{day_school.day_id}")
    if who == "admin":
        assert response.status_code == 200
        assert all(n in response.text for n in ("Amara", "Leo", "Kofi"))
    elif who in ("coach", "other_coach"):
        assert response.status_code == 200
        assert ("Amara" in response.text) == (who == "coach")
        assert ("Leo" in response.text) == (who == "other_coach")
        assert "/move" not in response.text  # no moves for coaches
    else:
        _expect_refused(response)


@pytest.mark.parametrize("who", VIEWERS)
def test_the_day_view(app, people, day_school, who):
    response = people.client(who).get(f"/days/{day_school.day_id}/coach")
    if who in ("coach", "admin"):
        assert response.status_code == 200 and "Amara" in response.text and "Room 4" in response.text
        if who == "coach":
            assert "Leo" not in response.text
    elif who == "other_coach":
        assert response.status_code == 200 and "Leo" in response.text and "Amara" not in response.text
    else:
        _expect_refused(response)


@pytest.mark.parametrize("who", VIEWERS)
def test_only_the_student_opens_and_changes_their_slot(app, make, people, day_school, who):
    slot = day_school.slot(app, people.owner)
    client = people.client(who)
    got = client.get(f"/slots/{slot.id}")
    posted = client.post(f"/slots/{slot.id}", data={"presentation": "0", "message": "Come and see my owl!"})
    if who == "owner":
        assert got.status_code == 200 and posted.status_code == 303
        assert day_school.slot(app, people.owner).message == "Come and see my owl!"
    else:
        _expect_refused(got)
        _expect_refused(posted)
        assert day_school.slot(app, people.owner).message == ""


def test_a_student_chooses_only_their_own_presentation(app, make, people, day_school):
    theirs = make.conference(people.other_student, live=False)
    slot = day_school.slot(app, people.owner)
    response = people.client("owner").post(f"/slots/{slot.id}", data={"presentation": theirs.presentation_id})
    assert response.status_code == 422
    mine = make.conference(people.owner, live=False)
    assert people.client("owner").post(f"/slots/{slot.id}",
                                       data={"presentation": mine.presentation_id}).status_code == 303
    assert day_school.slot(app, people.owner).presentation_id == mine.presentation_id


@pytest.mark.parametrize("who", VIEWERS)
def test_the_list_of_days(app, people, day_school, who):
    response = people.client(who).get("/days/")
    if who == "anonymous":
        _expect_refused(response)
    else:
        assert response.status_code == 200
        assert ("Spring e-Portfolio day" in response.text) == (who != "other_student" or True)


def test_the_admin_creates_a_day_and_bad_input_is_a_clear_422(app, people, day_school):
    admin = people.client("admin")
    data = dict(name="Autumn day", held_on="2027-03-04", starts="09:00", ends="12:00", slot_minutes="20",
                changeover_minutes="5", coach_capacity="1", groups=str(day_school.group_id),
                spaces="Room 4: 2\nHall: 3", coach_windows="coach 09:00-11:00", family_away="mensah 09:00-10:00")
    bad = admin.post("/days/new", data={**data, "spaces": "Room 4: many", "ends": "08:00"})
    assert bad.status_code == 422
    assert "Line 1: write a room" in bad.text and "must end after it starts" in bad.text
    unknown = admin.post("/days/new", data={**data, "coach_windows": "nobody 09:00-10:00"})
    assert unknown.status_code == 422 and "No coach with the username nobody" in unknown.text
    times = admin.post("/days/new", data={**data, "family_away": "mensah 10:00-09:00"})
    assert times.status_code == 422 and "Line 1: write a name" in times.text
    made = admin.post("/days/new", data=data)
    assert made.status_code == 303
    with app.app_context():
        s = db.session()
        day = s.exec(select(PortfolioDay).where(PortfolioDay.name == "Autumn day")).one()
        assert [(sp.name, sp.capacity) for sp in service.spaces_of(s, day)] == [("Room 4", 2), ("Hall", 3)]
        plain = service.plain_day(s, day)
        assert plain.coach_windows == {people.coach.id: [(540, 660)]} and len(plain.family_away) == 1
    page = admin.get(f"/days/{day.id}/edit").text
    assert "coach 09:00-11:00" in page and "mensah 09:00-10:00" in page and "Room 4: 2" in page
    assert admin.post(f"/days/{day.id}/schedule", data={}).status_code == 303
    with app.app_context():
        slots = service.slots_of(db.session(), db.session().get(PortfolioDay, day.id))
        assert len(slots) == 3 and all(sl.starts_min is not None for sl in slots)
        # the siblings are back to back and after their family's time away
        kofi = next(sl for sl in slots if sl.student_id == day_school.sibling.id)
        amara = next(sl for sl in slots if sl.student_id == people.owner.id)
        assert {kofi.starts_min, amara.starts_min} == {615, 640}  # 9:50 would overlap 10:00


def test_moves_swaps_and_shifts_keep_the_day_valid(app, people, day_school):
    admin = people.client("admin")
    day_id = day_school.day_id
    amara, kofi, leo = (day_school.slot(app, u) for u in (people.owner, day_school.sibling, people.other_student))
    with app.app_context():
        s = db.session()
        room4, library = service.spaces_of(s, s.get(PortfolioDay, day_id))
        assert service.conflicts(s, s.get(PortfolioDay, day_id)) == []
    # Amara away from her brother: refused (siblings back to back), nothing changes
    refused = admin.post(f"/days/{day_id}/slots/{amara.id}/move", data={"starts": 9 * 60 + 75, "space": room4.id})
    assert refused.status_code == 409 and "siblings are not back to back" in refused.text
    assert day_school.slot(app, people.owner).starts_min == amara.starts_min
    # Leo into a full room at the same time as someone else: refused, the space is over capacity
    busy = amara if amara.space_id == room4.id else kofi
    if busy.space_id != room4.id:
        busy = None
    if busy:
        over = admin.post(f"/days/{day_id}/slots/{leo.id}/move", data={"starts": busy.starts_min, "space": room4.id})
        assert over.status_code == 409 and "over capacity" in over.text
    # a time that is not the day's: 422
    assert admin.post(f"/days/{day_id}/slots/{leo.id}/move", data={"starts": 3, "space": room4.id}).status_code == 422
    # Leo to the last time: fine
    assert admin.post(f"/days/{day_id}/slots/{leo.id}/move",
                      data={"starts": 9 * 60 + 75, "space": library.id}).status_code == 303
    assert day_school.slot(app, people.other_student).starts_min == 9 * 60 + 75
    # the swap form starts with two different students
    page = admin.get(f"/days/{day_id}").text
    swap_form = page[page.index('class="card schedule__swap"'):]
    picked = [a or b for a, b in re.findall(r'<option[^>]*?(?:selected[^>]*value="(\d+)"|value="(\d+)"[^>]*selected)',
                                             swap_form[:swap_form.index("</form>")])]
    assert len(picked) == 2 and picked[0] != picked[1], picked
    # swap Amara and Leo: the siblings would be apart, refused; swap with herself: 422
    assert admin.post(f"/days/{day_id}/swap", data={"a": amara.id, "b": leo.id}).status_code == 409
    assert admin.post(f"/days/{day_id}/swap", data={"a": amara.id, "b": amara.id}).status_code == 422
    # swap the siblings with each other: still back to back
    assert admin.post(f"/days/{day_id}/swap", data={"a": amara.id, "b": kofi.id}).status_code == 303
    assert day_school.slot(app, people.owner).starts_min == kofi.starts_min
    # shift the whole day half an hour later
    before = {sl.id: day_school.slot(app, u).starts_min for sl, u in
              ((amara, people.owner), (kofi, day_school.sibling), (leo, people.other_student))}
    assert admin.post(f"/days/{day_id}/shift", data={"minutes": "30"}).status_code == 303
    with app.app_context():
        s = db.session()
        day = s.get(PortfolioDay, day_id)
        assert day.starts_min == 9 * 60 + 30 and service.conflicts(s, day) == []
        after = {sl.id: sl.starts_min for sl in service.slots_of(s, day)}
    assert after == {k: v + 30 for k, v in before.items()}
    assert admin.post(f"/days/{day_id}/shift", data={"minutes": "x"}).status_code == 422
    assert admin.post(f"/days/{day_id}/shift", data={"minutes": "900"}).status_code == 422
    # a coach's window makes a shift break the day: refused
    with app.app_context():
        s = db.session()
        from conference_app.models import CoachWindow
        s.add(CoachWindow(day_id=day_id, coach_id=people.coach.id, starts_min=9 * 60, ends_min=11 * 60))
        s.commit()
    assert admin.post(f"/days/{day_id}/shift", data={"minutes": "60"}).status_code == 409


def test_a_slot_of_another_day_is_404(app, people, day_school):
    admin = people.client("admin")
    with app.app_context():
        s = db.session()
        other = PortfolioDay(name="Other", held_on=datetime.now(UTC).date(), group_ids="")
        s.add(other)
        s.commit()
        other_id = other.id
    slot = day_school.slot(app, people.owner)
    assert admin.post(f"/days/{other_id}/slots/{slot.id}/move", data={"starts": 540}).status_code == 404
    assert admin.get("/days/999999/edit").status_code == 404


def test_unplaced_students_are_named_with_why(app, make, people):
    from tests.days.conftest import make_day_school
    school = make_day_school(app, make, people, schedule=False)
    with app.app_context():
        s = db.session()
        day = s.get(PortfolioDay, school.day_id)
        for sp in service.spaces_of(s, day):
            s.delete(sp)
        s.add(DaySpace(day_id=day.id, name="Cupboard", capacity=1))
        day.ends_min = day.starts_min + 20  # one start time
        s.commit()
    response = people.client("admin").post(f"/days/{school.day_id}/schedule", data={}, follow_redirects=True)
    assert "could not be" in response.text and "Not placed" in response.text
    assert "no back-to-back times for the siblings" in response.text


def test_the_record_links_back_to_its_slot(app, make, people, day_school):
    conference = make.conference(people.owner)
    with app.app_context():
        s = db.session()
        slot = s.get(Slot, day_school.slot(app, people.owner).id)
        slot.conference_id = conference.id
        s.commit()
    from conference_app.live import conferences
    with app.app_context():
        s = db.session()
        conferences.end(s, s.get(type(conference), conference.id))
    page = people.client("coach").get(f"/conferences/{conference.id}/record").text
    assert "Scheduled: Spring e-Portfolio day" in page and f"#slot-{slot.id}" in page
    assert f"/slots/{slot.id}" in people.client("owner").get(f"/conferences/{conference.id}/record").text


def test_the_admin_edits_a_family(app, people, day_school):
    family_id = day_school.invitation(app, people.owner).family_id
    admin = people.client("admin")
    assert admin.post(f"/families/{family_id}", data={"language": "ar", "email": "not-an-email"}).status_code == 422
    assert admin.post(f"/families/{family_id}", data={"language": "ar", "email": "m@example.org",
                                                       "display_name": "The Mensah family"}).status_code == 303
    with app.app_context():
        s = db.session()
        from conference_app.models import Family
        f = s.get(Family, family_id)
        assert (f.language, f.email, f.display_name) == ("ar", "m@example.org", "The Mensah family")
    assert admin.get("/families/999999").status_code == 404


def test_one_invitation_per_family(app, people, day_school):
    with app.app_context():
        invitations = list(db.session().exec(select(Invitation).where(Invitation.day_id == day_school.day_id)))
    assert len(invitations) == 2  # the Mensahs (Amara and Kofi), the Fischers (Leo)
    _ = timedelta


def test_a_day_without_availability_lines(app, people, day_school):
    data = dict(name="Plain day", held_on="2027-03-04", starts="09:00", ends="12:00", slot_minutes="20",
                changeover_minutes="5", coach_capacity="1", groups=str(day_school.group_id), spaces="Hall")
    assert people.client("admin").post("/days/new", data=data).status_code == 303


def test_purging_the_students_of_a_family_removes_the_family_and_its_answers(app, people, day_school, login_as):
    from conference_app.lifecycle import purge
    from conference_app.models import Family, User
    login_as(None).post(f"/i/{day_school.token(app, people.owner)}", data={"answer": "cannot", "note": "Away"})
    with app.app_context():
        s = db.session()
        purge.purge(s, [s.get(User, people.owner.id), s.get(User, day_school.sibling.id)], None)
        assert [f.key for f in s.exec(select(Family))] == ["fischer"]
        assert [i.note for i in s.exec(select(Invitation))] == [""]
        assert len(s.exec(select(Slot)).all()) == 1


@pytest.mark.parametrize("who", VIEWERS)
def test_only_the_admin_and_the_students_coach_rebook_a_no_show(app, people, day_school, who):
    slot = day_school.slot(app, people.owner)
    with app.app_context():
        s = db.session()
        s.get(Slot, slot.id).no_show = True
        s.commit()
    response = people.client(who).post(f"/days/{day_school.day_id}/slots/{slot.id}/rebook")
    if who in ("admin", "coach"):
        assert response.status_code in (303, 409)
    else:
        _expect_refused(response)
        assert day_school.slot(app, people.owner).no_show


def test_with_htmx_a_move_answers_the_schedule_and_a_refusal_its_message(app, people, day_school):
    admin = people.client("admin")
    leo = day_school.slot(app, people.other_student)
    with app.app_context():
        s = db.session()
        library = service.spaces_of(s, s.get(PortfolioDay, day_school.day_id))[1]
    moved = admin.post(f"/days/{day_school.day_id}/slots/{leo.id}/move", headers={"HX-Request": "true"},
                       data={"starts": 9 * 60 + 75, "space": library.id})
    assert moved.status_code == 200 and '<section id="schedule"' in moved.text
    assert "<html" not in moved.text and "Moved." in moved.text
    amara = day_school.slot(app, people.owner)
    refused = admin.post(f"/days/{day_school.day_id}/swap", headers={"HX-Request": "true"},
                         data={"a": amara.id, "b": leo.id})
    assert refused.status_code == 409 and refused.headers["HX-Retarget"] == "#messages"
    assert "siblings are not back to back" in refused.text
