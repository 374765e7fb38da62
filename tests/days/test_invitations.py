"""The family's invitation link: it opens only that family's invitation, answers without an account, leads into
the conference on the day, and stops working after the day or when a new invitation replaces it."""
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from conference_app import db
from conference_app.days import service
from conference_app.models import Invitation, PortfolioDay, Slot


def _today():
    return datetime.now(UTC).date()


def test_the_invitation_shows_only_that_familys_slots_in_its_language(app, people, login_as, day_school):
    family = login_as(None)
    page = family.get(f"/i/{day_school.token(app, people.owner)}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    assert '<html lang="fr"' in page.text  # the Mensahs' language
    assert "Amara" in page.text and "Kofi" in page.text and "Leo" not in page.text
    other = login_as(None).get(f"/i/{day_school.token(app, people.other_student)}")
    assert '<html lang="es"' in other.text and "Leo" in other.text and "Amara" not in other.text


def test_a_wrong_or_tampered_token_opens_nothing(app, people, login_as, day_school):
    token = day_school.token(app, people.owner)
    phone = login_as(None)
    for bad in ("nonsense", token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), "x" * 300):
        assert phone.get(f"/i/{bad}").status_code == 404
    # a token signed for another invitation id with this one's nonce: refused
    from itsdangerous import URLSafeSerializer
    mine = day_school.invitation(app, people.owner)
    theirs = day_school.invitation(app, people.other_student)
    forged = URLSafeSerializer("not-the-key", salt=service.SALT).dumps([theirs.id, mine.nonce])
    assert phone.get(f"/i/{forged}").status_code == 404
    with app.test_request_context():
        swapped = URLSafeSerializer(app.secret_key, salt=service.SALT).dumps([theirs.id, mine.nonce])
    assert phone.get(f"/i/{swapped}").status_code == 404
    # the link opens nothing else of the portfolio
    phone.get(f"/i/{token}")
    for url in (f"/portfolio/students/{people.owner.id}", "/days/", f"/slots/{day_school.slot(app, people.owner).id}"):
        response = phone.get(url)
        assert response.status_code in (302, 404) and "Amara" not in response.text


def test_after_the_day_the_link_says_so(app, people, login_as, day_school):
    token = day_school.token(app, people.owner)
    day_school.set_date(app, _today() - timedelta(days=1))
    response = login_as(None).get(f"/i/{token}")
    assert response.status_code == 410 and "day is over" in response.text
    assert login_as(None).post(f"/i/{token}", data={"answer": "coming", "count": "1"}).status_code == 410


def test_the_family_answers_and_the_coach_and_admin_see_it(app, people, login_as, day_school):
    token = day_school.token(app, people.owner)
    family = login_as(None)
    assert family.post(f"/i/{token}", data={}).status_code == 422
    refused = family.post(f"/i/{token}", data={"answer": "coming", "count": "0"})
    assert refused.status_code == 422
    refused = family.post(f"/i/{token}", data={"answer": "maybe"})
    assert refused.status_code == 422
    sent = family.post(f"/i/{token}", data={"answer": "coming", "count": "3", "who": ["parent", "grandparent"],
                                            "interpreter": "ar", "note": "Grandma uses a wheelchair."})
    assert sent.status_code == 303
    invitation = day_school.invitation(app, people.owner)
    assert (invitation.answer, invitation.coming_count, invitation.who, invitation.interpreter) == \
        ("coming", 3, "parent,grandparent", "ar")
    for who in ("coach", "admin"):
        page = people.client(who).get(f"/days/{day_school.day_id}").text
        assert "Coming" in page and "Grandparent" in page and "Grandma uses a wheelchair." in page
        assert "Interpreter: Arabic" in page
    assert "Grandma" not in people.client("other_coach").get(f"/days/{day_school.day_id}").text
    # changed later: cannot come
    assert family.post(f"/i/{token}", data={"answer": "cannot"}).status_code == 303
    invitation = day_school.invitation(app, people.owner)
    assert (invitation.answer, invitation.coming_count, invitation.who) == ("cannot", None, "")


def test_on_the_day_the_link_waits_then_leads_into_the_conference(app, make, people, login_as, day_school):
    token = day_school.token(app, people.owner)
    day_school.set_date(app, _today())
    phone = login_as(None)
    waiting = phone.get(f"/i/{token}?lang=en")
    assert waiting.status_code == 200 and waiting.headers["Refresh"] == "20"
    slot = day_school.slot(app, people.owner)
    assert f"Amara’s conference starts at {service.hhmm(slot.starts_min)} in" in waiting.text
    conference = make.conference(people.owner, live=False)  # the student opens the lobby
    joined = phone.get(f"/i/{token}")
    assert joined.status_code == 303 and joined.headers["Location"].endswith(f"/j/{conference.code}")
    with app.app_context():
        assert db.session().get(Slot, slot.id).conference_id == conference.id  # the slot knows its conference
    # the coach's day view: arrived once a family phone is in the lobby, then live
    phone.post(f"/j/{conference.code}", data={"name": "Mum", "role": "family"})
    view = people.client("coach").get(f"/days/{day_school.day_id}/coach")
    assert "Arrived" in view.text and view.headers["Refresh"] == "30"  # on the day it follows by itself
    from conference_app.live import conferences
    with app.app_context():
        s = db.session()
        conferences.go_live(s, s.get(type(conference), conference.id))
    assert "Live" in people.client("coach").get(f"/days/{day_school.day_id}/coach").text


def test_a_no_show_gets_a_new_slot_and_a_new_invitation(app, people, login_as, day_school):
    old = day_school.token(app, people.other_student)
    with app.app_context():
        s = db.session()
        slot = s.get(Slot, day_school.slot(app, people.other_student).id)
        slot.no_show = True
        s.get(PortfolioDay, day_school.day_id).held_on = _today() + timedelta(days=1)
        s.commit()
    view = people.client("other_coach").get(f"/days/{day_school.day_id}/coach").text
    assert "No-show" in view
    assert people.client("coach").post(f"/days/{day_school.day_id}/slots/{slot.id}/rebook").status_code == 404
    assert people.client("other_coach").post(f"/days/{day_school.day_id}/slots/{slot.id}/rebook").status_code == 303
    assert not day_school.slot(app, people.other_student).no_show
    assert login_as(None).get(f"/i/{old}").status_code == 404  # the old link stops working
    assert login_as(None).get(f"/i/{day_school.token(app, people.other_student)}").status_code == 200


def test_printed_invitations_one_page_per_family_with_the_qr_code(app, people, day_school):
    page = people.client("admin").get(f"/days/{day_school.day_id}/print?group={day_school.group_id}")
    assert page.status_code == 200
    assert page.text.count('<article class="letter"') == 2
    assert page.text.count("<svg") >= 2 and 'lang="fr"' in page.text and 'lang="es"' in page.text
    with app.app_context():
        assert len(db.session().exec(select(Invitation)).all()) == 2


def test_the_printed_code_typed_in_opens_the_same_invitation(app, people, login_as, day_school):
    from conference_app.live import codes
    invitation = day_school.invitation(app, people.owner)
    page = people.client("admin").get(f"/days/{day_school.day_id}/print").text
    assert codes.spaced(invitation.code).replace(" ", "\u00a0") in page  # (never split over two lines)
    phone = login_as(None)
    typed = phone.post("/join", data={"code": codes.spaced(invitation.code).lower()})
    assert typed.status_code == 303
    opened = phone.get(typed.headers["Location"])
    assert opened.status_code == 303 and "/i/" in opened.headers["Location"]
    assert "Kofi" in phone.get(opened.headers["Location"]).text
    assert phone.get("/j/ZZZZZZZZ").status_code == 404  # an unknown code is still a 404
    day_school.set_date(app, _today() - timedelta(days=1))
    assert phone.get(f"/j/{invitation.code}", follow_redirects=True).status_code == 410


def test_printed_again_only_for_families_without_an_answer(app, people, login_as, day_school):
    login_as(None).post(f"/i/{day_school.token(app, people.other_student)}", data={"answer": "cannot"})
    page = people.client("admin").get(f"/days/{day_school.day_id}/print?unanswered=1").text
    assert page.count('<article class="letter"') == 1 and "Kofi" in page and "Leo" not in page
