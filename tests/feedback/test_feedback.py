"""Feedback, moderation, the coach panel, the closing form and the record, through HTTP (no live server)."""
import re
import threading
from datetime import timedelta

import pytest

from sqlmodel import select

from conference_app import db
from conference_app.models import (Action, Conference, ConferenceNote, FamilyForm, Feedback, Goal, Presentation,
                                   Slide, SlideKind, SlideVisit)
from tests.feedback.conftest import HX, XSS, end, goto, join, send, stored


def test_a_double_tap_or_a_retry_stores_feedback_once(app, cast):
    code = cast.school.conference.code
    mum = join(app, code, "Mum")
    first = send(mum, code, "How long did it take?", key="tap-0000-0001")
    assert first.status_code == 201 and "Sent. Thank you!" in first.text
    again = send(mum, code, "How long did it take?", key="tap-0000-0001")
    assert again.status_code == 200 and "Sent. Thank you!" in again.text  # the retry is told it arrived
    assert len(stored(app, Feedback)) == 1
    # each answer brings a fresh key for the next message
    keys = {re.search(r'name="client_key"[^>]* value="([^"]+)"', r.text).group(1) for r in (first, again)}
    assert len(keys) == 2 and "tap-0000-0001" not in keys
    # the same key from another person is another message
    dad = join(app, code, "Dad")
    assert send(dad, code, "Brilliant", key="tap-0000-0001").status_code == 201
    assert len(stored(app, Feedback)) == 2


def test_many_retries_at_once_store_one(app, cast):
    code = cast.school.conference.code
    mum = join(app, code, "Mum")
    cookie = mum.get_cookie("session").value
    statuses, barrier = [], threading.Barrier(6)

    def post():
        c = app.test_client()
        c.set_cookie("session", cookie)
        barrier.wait()
        statuses.append(send(c, code, "Same", key="race-0000-0001").status_code)

    threads = [threading.Thread(target=post) for _ in range(6)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(statuses)[-1] == 201 and set(statuses) <= {200, 201}
    assert len(stored(app, Feedback)) == 1


def test_feedback_is_tied_to_the_slide_on_the_phone(app, cast):
    school, code = cast.school, cast.school.conference.code
    mum = join(app, code, "Mum")
    goto(app, school.conference.id, 1)
    goto(app, school.conference.id, 2)
    assert send(mum, code, "Now", key="pos-0000-0001").status_code == 201  # no position: the current one
    assert send(mum, code, "Back there", key="pos-0000-0002", position=1).status_code == 201  # browsed back
    unshown = send(mum, code, "Peeking", key="pos-0000-0003", position=3)
    assert unshown.status_code == 422 and "has not been shown" in unshown.text and "Peeking" in unshown.text
    rows = {f.body: f for f in stored(app, Feedback)}
    assert rows["Now"].position == 2 and rows["Now"].slide_id == school.slides[2].id and rows["Now"].item_id is None
    assert rows["Back there"].slide_id == school.slides[1].id and rows["Back there"].item_id == school.slides[1].item_id


def test_bad_feedback_gets_a_clear_4xx_and_keeps_the_text(app, cast):
    code = cast.school.conference.code
    mum = join(app, code, "Mum")
    too_long = send(mum, code, "x" * 1001, key="bad-0000-0001")
    assert too_long.status_code == 422 and "under 1000 characters" in too_long.text and "x" * 1001 in too_long.text
    assert 'value="bad-0000-0001"' in too_long.text  # same key: the retry is still the same message
    assert send(mum, code, "   ", key="bad-0000-0002").status_code == 422
    assert send(mum, code, "Hi", kind="shout", key="bad-0000-0003").status_code == 422
    bad_key = send(mum, code, "Hi", key="<bad>")
    assert bad_key.status_code == 400 and "Reload the page" in bad_key.text
    assert mum.post(f"/live/{code}/feedback", data={"body": "Hi", "kind": "question", "client_key": "k-000000001",
                                                    "position": "not-a-number"}).status_code in (201, 303)
    no_js = send(mum, code, "", key="bad-0000-0004", hx=False)
    assert no_js.status_code == 422 and "Please write your message" in no_js.text
    assert send(mum, code, "x" * 1000, key="bad-0000-0005").status_code == 201
    end(app, cast.school.conference.id)
    closed = send(mum, code, "Too late", key="bad-0000-0006")
    assert closed.status_code == 410 and "has ended" in closed.text
    assert send(mum, code, "x" * 1000, key="bad-0000-0005").status_code == 200  # a late retry still gets its answer


def test_no_feedback_before_the_start(app, make):
    school = make.school(live=False)
    mum = join(app, school.conference.code, "Mum")
    r = send(mum, school.conference.code, "Hello?", key="lobby-000001")
    assert r.status_code == 409 and "not started" in r.text


def test_moderation_and_what_phones_see(app, cast):
    code, cid = cast.school.conference.code, cast.school.conference.id
    mum, dad = join(app, code, "Mum"), join(app, code, "Dad")
    send(mum, code, "MUM-QUESTION", key="mod-0000-0001")
    send(dad, code, "DAD-PRAISE", kind="praise", key="mod-0000-0002")
    fid = stored(app, Feedback, Feedback.body == "MUM-QUESTION")[0].id
    owner = cast.client("owner")
    for field in ("answered", "pinned", "hidden"):
        r = owner.post(f"/conferences/{cid}/feedback/{fid}", data={"field": field, "value": "1"}, headers=HX)
        assert r.status_code == 200 and f'id="fb-{fid}"' in r.text
    row = stored(app, Feedback, Feedback.id == fid)[0]
    assert row.answered and row.pinned and row.hidden
    assert "Hidden from phones" in r.text and "Show again" in r.text
    assert owner.post(f"/conferences/{cid}/feedback/{fid}", data={"field": "body", "value": "1"}).status_code == 400
    # hidden: gone from every other phone on reload; its author keeps it, told it is not shown to everyone
    page = dad.get(f"/live/{code}").text
    assert "MUM-QUESTION" not in page and "DAD-PRAISE" in page
    page = mum.get(f"/live/{code}").text
    assert "MUM-QUESTION" in page and "Not shown to everyone." in page and "DAD-PRAISE" in page
    # but the presenter and the coach still see it, marked
    assert "MUM-QUESTION" in owner.get(f"/conferences/{cid}/present").text
    assert "MUM-QUESTION" in cast.client("coach").get(f"/conferences/{cid}/coach").text
    # everyone's feedback can be switched off: then each phone sees only its own
    assert owner.post(f"/conferences/{cid}/show-feedback", data={"on": "0"}, headers=HX).status_code == 200
    assert "DAD-PRAISE" not in mum.get(f"/live/{code}").text
    assert "DAD-PRAISE" in dad.get(f"/live/{code}").text and "Your feedback" in dad.get(f"/live/{code}").text


def test_coach_panel_autosaves_notes_and_actions_and_student_actions_become_goals(app, cast):
    cid = cast.school.conference.id
    coach = cast.client("coach")
    assert "Private notes" in coach.get(f"/conferences/{cid}/coach").text
    for text in ("Amara spoke", "Amara spoke clearly"):  # autosave: the last write wins, one row
        r = coach.post(f"/conferences/{cid}/notes", data={"body": text}, headers=HX)
        assert r.status_code == 200 and "Saved" in r.text
    assert [n.body for n in stored(app, ConferenceNote)] == ["Amara spoke clearly"]
    too_long = coach.post(f"/conferences/{cid}/notes", data={"body": "x" * 20001}, headers=HX)
    assert too_long.status_code == 422 and "20000" in too_long.text
    r = coach.post(f"/conferences/{cid}/actions", data={"text": "Read every night", "owner": "student",
                                                       "due_on": "2027-01-31"}, headers=HX)
    assert r.status_code == 201 and "Read every night" in r.text
    coach.post(f"/conferences/{cid}/actions", data={"text": "Visit the library", "owner": "family"}, headers=HX)
    bad = coach.post(f"/conferences/{cid}/actions", data={"text": "Nobody's", "owner": "dog"}, headers=HX)
    assert bad.status_code == 422 and "Choose who owns" in bad.text and "Nobody" in bad.text
    assert coach.post(f"/conferences/{cid}/actions", data={"text": "x", "owner": "coach", "due_on": "31/01"},
                      headers=HX).status_code == 422
    goals = stored(app, Goal)
    assert [(g.text, g.status, str(g.due_on)) for g in goals] == [("Read every night", "open", "2027-01-31")]
    action = stored(app, Action, Action.text == "Read every night")[0]
    assert action.goal_id == goals[0].id
    # editing the action edits the goal; handing it to the family takes it off the goal list
    r = coach.post(f"/conferences/{cid}/actions/{action.id}", data={"text": "Read 20 minutes every night",
                                                                    "owner": "student", "due_on": ""}, headers=HX)
    assert r.status_code == 200 and "Saved" in r.text
    assert [(g.text, g.due_on) for g in stored(app, Goal)] == [("Read 20 minutes every night", None)]
    empty = coach.post(f"/conferences/{cid}/actions/{action.id}", data={"text": " ", "owner": "student"}, headers=HX)
    assert empty.status_code == 422 and "Please write your action" in empty.text
    assert stored(app, Action, Action.id == action.id)[0].text == "Read 20 minutes every night"  # nothing lost
    coach.post(f"/conferences/{cid}/actions/{action.id}", data={"text": "Read", "owner": "family"}, headers=HX)
    assert stored(app, Goal) == []
    coach.post(f"/conferences/{cid}/actions/{action.id}", data={"text": "Read", "owner": "student"}, headers=HX)
    assert len(stored(app, Goal)) == 1
    # still editable after the end
    end(app, cid)
    assert coach.post(f"/conferences/{cid}/notes", data={"body": "After"}, headers=HX).status_code == 200
    coach.post(f"/conferences/{cid}/actions/{action.id}/delete", headers=HX)
    assert stored(app, Goal) == [] and len(stored(app, Action)) == 1


def test_the_goals_slide_of_the_next_presentation_shows_student_actions_with_status(app, cast):
    school, cid = cast.school, cast.school.conference.id
    coach, owner = cast.client("coach"), cast.client("owner")
    coach.post(f"/conferences/{cid}/actions", data={"text": "Finish my book", "owner": "student"}, headers=HX)
    coach.post(f"/conferences/{cid}/actions", data={"text": "Speak up in class", "owner": "student"}, headers=HX)
    done = stored(app, Goal, Goal.text == "Finish my book")[0]
    owner.post(f"/goals/{done.id}/toggle")
    assert "Finish my book" in owner.get("/presentations/").text  # on the student's goal list
    with app.app_context():
        s = db.session()
        pres = Presentation(owner_id=school.student.id, title="Autumn")
        s.add(pres)
        s.flush()
        s.add(Slide(presentation_id=pres.id, position=0, kind=SlideKind.GOALS, title="Progress on my goals"))
        s.commit()
        pid = pres.id
    preview = owner.get(f"/presentations/{pid}/preview").text
    assert re.search(r"Speak up in class.*In progress", preview, re.S)
    assert re.search(r"Finish my book.*Done", preview, re.S)


def test_xss_in_every_text_field_is_inert(app, cast):
    school, code, cid = cast.school, cast.school.conference.code, cast.school.conference.id
    mum = join(app, code, XSS, "family")
    coach_phone = join(app, code, "Coach", client=cast.client("coach"))
    send(mum, code, XSS, key="xss-0000-0001")
    goto(app, cid, 1)
    send(mum, code, XSS, kind="praise", key="xss-0000-0002")
    coach_phone.post(f"/conferences/{cid}/notes", data={"body": XSS}, headers=HX)
    coach_phone.post(f"/conferences/{cid}/actions", data={"text": XSS, "owner": "student"}, headers=HX)
    pages = [mum.get(f"/live/{code}").text, coach_phone.get(f"/conferences/{cid}/coach").text,
             cast.client("owner").get(f"/conferences/{cid}/present").text,
             coach_phone.get(f"/live/{code}").text]
    end(app, cid)
    mum.post(f"/live/{code}/closing", data={"stood_out": XSS, "question": XSS, "support": XSS})
    owner = cast.client("owner")
    owner.post(f"/conferences/{cid}/reflection", data={"body": XSS}, headers=HX)
    pages += [owner.get(f"/conferences/{cid}/record").text, owner.get(f"/conferences/{cid}/record.html").text,
              cast.client("coach").get(f"/conferences/{cid}/record").text, owner.get("/presentations/").text,
              owner.get(f"/portfolio/items/{school.slides[1].item_id}").text, mum.get(f"/live/{code}/closing").text]
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html and "onerror=alert" not in html.replace(
            "onerror=alert(1)&gt;", "")
        assert "&lt;script&gt;alert(" in html
    record = pages[4]
    # 2 feedback, a note, an action, 3 family answers, reflection, a name
    assert record.count("&lt;script&gt;alert(") >= 7


def test_who_may_see_coach_notes(app, cast, login_as, make):
    school, code, cid = cast.school, cast.school.conference.code, cast.school.conference.id
    second_coach = make.coach("secondcoach")
    from conference_app.auth.accounts import set_coaches
    with app.app_context():
        set_coaches(db.session(), school.student, {school.coach.id, second_coach.id})
    mum = join(app, code, "Mum")
    coach_phone = join(app, code, "Ms Coach", client=cast.client("coach"))
    coach_phone.post(f"/conferences/{cid}/notes", data={"body": "NOTE-FROM-COACH"}, headers=HX)
    login_as(second_coach).post(f"/conferences/{cid}/notes", data={"body": "NOTE-FROM-SECOND"}, headers=HX)
    # during the conference: nowhere an audience or the student's screen shows them
    assert "NOTE-FROM" not in mum.get(f"/live/{code}").text
    assert "NOTE-FROM" not in coach_phone.get(f"/live/{code}").text
    assert "NOTE-FROM" not in cast.client("owner").get(f"/conferences/{cid}/present").text
    # each coach edits their own notes
    assert "NOTE-FROM-SECOND" not in coach_phone.get(f"/conferences/{cid}/coach").text
    end(app, cid)
    for who in ("owner", "coach"):
        page = cast.client(who).get(f"/conferences/{cid}/record").text
        assert "NOTE-FROM-COACH" in page and "NOTE-FROM-SECOND" in page
    assert "NOTE-FROM-COACH" in login_as(second_coach).get(f"/conferences/{cid}/record").text
    for who in ("other_student", "other_coach", "admin", "anonymous", "other_participant"):
        for path in (f"/conferences/{cid}/record", f"/conferences/{cid}/record.html", f"/conferences/{cid}/coach"):
            r = cast.client(who).get(path)
            assert r.status_code in (302, 404) and "NOTE-FROM" not in r.text
    for path in (f"/live/{code}/thanks?skip=1", f"/live/{code}/closing", f"/conferences/{cid}/record"):
        assert "NOTE-FROM" not in mum.get(path).text


def test_the_record_of_a_scripted_conference_has_everything(app, cast):
    school, code, cid = cast.school, cast.school.conference.code, cast.school.conference.id
    mum, dad = join(app, code, "Mum"), join(app, code, "Dad")
    grandpa = join(app, code, "Mr Gov", "governor")
    coach_phone = join(app, code, "Ms Okafor", client=cast.client("coach"))
    owner = cast.client("owner")
    goto(app, cid, 1)
    send(mum, code, "HOW-DID-YOU-MIX-THE-RED", key="rec-0000-0001")
    send(grandpa, code, "STEADY-HAND", kind="praise", key="rec-0000-0002")
    goto(app, cid, 3)
    send(dad, code, "NEXT-TIME-BIGGER", kind="suggestion", key="rec-0000-0003")
    send(dad, code, "BACK-ON-THE-FIRST", kind="comment", key="rec-0000-0004", position=1)
    send(mum, code, "RUDE-ONE", kind="comment", key="rec-0000-0005")
    rude = stored(app, Feedback, Feedback.body == "RUDE-ONE")[0]
    coach_phone.post(f"/conferences/{cid}/feedback/{rude.id}", data={"field": "hidden", "value": "1"}, headers=HX)
    coach_phone.post(f"/conferences/{cid}/notes", data={"body": "COACH-NOTE: confident today"}, headers=HX)
    for text, who_owns in (("STUDENT-ACTION", "student"), ("FAMILY-ACTION", "family"), ("COACH-ACTION", "coach")):
        coach_phone.post(f"/conferences/{cid}/actions", data={"text": text, "owner": who_owns,
                                                              "due_on": "2027-02-01"}, headers=HX)
    with app.app_context():  # make the time on each slide known: 60 s, then 90 s, then 30 s
        s = db.session()
        visits = s.exec(select(SlideVisit).where(SlideVisit.conference_id == cid).order_by(SlideVisit.id)).all()
        start = visits[0].started_at
        for visit, (a, b) in zip(visits, [(0, 60), (60, 150), (150, None)]):
            visit.started_at = start + timedelta(seconds=a)
            visit.ended_at = start + timedelta(seconds=b) if b is not None else None
        conference = s.get(Conference, cid)
        conference.started_at = start
        s.commit()
    with app.app_context():
        s = db.session()
        from conference_app.live import conferences as confs
        confs.end(s, s.get(Conference, cid))
        conference = s.get(Conference, cid)
        conference.ended_at = start + timedelta(seconds=180)
        s.execute(SlideVisit.__table__.update().where(SlideVisit.conference_id == cid,
                                                      SlideVisit.position == 3).values(ended_at=conference.ended_at))
        s.commit()
    assert mum.get(f"/live/{code}/thanks").headers["Location"].endswith("/closing")
    assert mum.post(f"/live/{code}/closing", data={"stood_out": "MUM-STOOD-OUT", "question": "MUM-QUESTION",
                                                   "support": "MUM-SUPPORT"}).status_code == 303
    assert "Thank you for coming, <bdi>Mum</bdi>" in mum.get(f"/live/{code}/thanks").text  # once sent: the thanks page
    empty = dad.post(f"/live/{code}/closing", data={"stood_out": " "})
    assert empty.status_code == 422 and "at least one" in empty.text
    dad.post(f"/live/{code}/closing", data={"support": "DAD-SUPPORT"})
    dad.post(f"/live/{code}/closing", data={"support": "DAD-SUPPORT-2"})  # a second send updates it
    assert len(stored(app, FamilyForm)) == 2
    assert owner.post(f"/conferences/{cid}/reflection", data={"body": "MY-REFLECTION"}).status_code == 303

    for who in ("owner", "coach"):
        page = cast.client(who).get(f"/conferences/{cid}/record").text
        assert "Conference record" in page and "Spring conference" in page
        assert "3 min" in page  # duration
        for name, role in (("Mum", "family"), ("Dad", "family"), ("Mr Gov", "governor"), ("Ms Okafor", "coach")):
            assert re.search(rf"<bdi>{name}</bdi> <span class=\"badge\">{role}</span>", page), name
        slide0, slide1, slide3 = (page.index(t) for t in ("SLIDE-ZERO", "First picture", "LATER-WORK"))
        assert slide0 < slide1 < slide3 and "SECTION-TWO" not in page  # only the slides shown
        assert "On screen for 1:00" in page and "On screen for 1:30" in page and "On screen for 0:30" in page
        for body in ("HOW-DID-YOU-MIX-THE-RED", "STEADY-HAND", "BACK-ON-THE-FIRST"):
            assert slide1 < page.index(body) < slide3  # grouped under the slide it was about
        for body in ("NEXT-TIME-BIGGER", "RUDE-ONE"):
            assert page.index(body) > slide3
        assert re.search(r"RUDE-ONE.*?Hidden: only <bdi>Amara</bdi> and coaches see this", page, re.S)
        assert "COACH-NOTE: confident today" in page
        for text, label in (("STUDENT-ACTION", "Student"), ("FAMILY-ACTION", "Family"), ("COACH-ACTION", "Coach")):
            assert re.search(rf"{text}</td><td>{label}</td>\s*<td>1 February 2027", page)
        for text in ("MUM-STOOD-OUT", "MUM-QUESTION", "MUM-SUPPORT", "DAD-SUPPORT-2", "MY-REFLECTION"):
            assert text in page
        assert "data:image" not in page and "/record/pictures/" in page  # the record's own pictures, linked
    # the student's portfolio timeline lists the record; the item page has its feedback with who and when
    portfolio = owner.get("/portfolio/").text
    assert f"/conferences/{cid}/record" in portfolio
    assert f"/conferences/{cid}/record" in cast.client("coach").get(f"/portfolio/students/{school.student.id}").text
    item_page = owner.get(f"/portfolio/items/{school.slides[1].item_id}").text
    assert "Feedback from conferences" in item_page
    assert re.search(r"HOW-DID-YOU-MIX-THE-RED", item_page) and "Mum" in item_page and "Mr Gov" in item_page
    assert "NEXT-TIME-BIGGER" not in item_page  # about the other picture
    assert "NEXT-TIME-BIGGER" in owner.get(f"/portfolio/items/{school.slides[3].item_id}").text
    # the student's action is on their goal list
    assert [g.text for g in stored(app, Goal)] == ["STUDENT-ACTION"]


def test_the_download_is_one_self_contained_file(app, cast):
    code, cid = cast.school.conference.code, cast.school.conference.id
    mum = join(app, code, "Mum")
    goto(app, cid, 1)
    send(mum, code, "ABOUT-THE-PICTURE", key="dl-0000-00001")
    end(app, cid)
    r = cast.client("owner").get(f"/conferences/{cid}/record.html")
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert r.headers["Content-Disposition"].startswith("attachment; filename=\"conference-amara-")
    html = r.text
    assert "ABOUT-THE-PICTURE" in html and "<style>" in html and ".record" in html and "@media print" in html
    assert "data:image/webp;base64," in html
    for outside in ("<link", "<script", 'src="/', 'href="/', "src=\"http", "url(/", "url(\"/"):
        assert outside not in html, outside


def test_record_waits_for_the_end(app, cast):
    r = cast.client("owner").get(f"/conferences/{cast.school.conference.id}/record")
    assert r.status_code == 409 and "when the conference ends" in r.text


@pytest.fixture
def feedback_limited(app_config):
    app_config.update(RATELIMIT_ENABLED=True, FEEDBACK_RATE_LIMIT="3 per minute")
    return app_config


def test_a_phone_sending_too_fast_is_slowed_down_and_keeps_its_message(feedback_limited, app, cast):
    code, cid = cast.school.conference.code, cast.school.conference.id
    mum, dad = join(app, code, "Mum"), join(app, code, "Dad")  # one school network: the same address
    assert [send(mum, code, f"Hello {n}", key=f"fast-000-000{n}").status_code for n in range(3)] == [201] * 3
    fourth = send(mum, code, "MUM-FOURTH", key="fast-000-0003")
    assert fourth.status_code == 429 and "Please wait a minute" in fourth.text
    assert "MUM-FOURTH" in fourth.text and 'value="fast-000-0003"' in fourth.text  # kept, same key
    assert send(dad, code, "DAD-FIRST", key="fast-000-0004").status_code == 201  # another phone is not held up
    bodies = [f.body for f in stored(app, Feedback, Feedback.conference_id == cid)]
    assert "MUM-FOURTH" not in bodies and "DAD-FIRST" in bodies and len(bodies) == 4


@pytest.fixture
def auckland(app_config):
    app_config.update(TIMEZONE="Pacific/Auckland")  # UTC+13 in November
    return app_config


def test_times_are_shown_on_the_schools_clock(auckland, app, cast):
    from datetime import UTC, datetime

    code, cid = cast.school.conference.code, cast.school.conference.id
    mum = join(app, code, "Mum")
    send(mum, code, "LATE-QUESTION", key="tz-0000-0001")
    with app.app_context():
        s = db.session()
        conference = s.get(Conference, cid)
        conference.started_at = datetime(2026, 11, 20, 22, 30, tzinfo=UTC)  # 11:30 next day there
        s.get(Feedback, stored(app, Feedback, Feedback.body == "LATE-QUESTION")[0].id).created_at = \
            datetime(2026, 11, 20, 22, 41, tzinfo=UTC)
        s.commit()
    end(app, cid)
    owner = cast.client("owner")
    page = owner.get(f"/conferences/{cid}/record").text
    assert ">Saturday 21 November 2026, 11:30</time>" in page and ">11:41</time>" in page
    download = owner.get(f"/conferences/{cid}/record.html")
    assert "2026-11-21" in download.headers["Content-Disposition"]
