"""Passwords: resets by admin and coach (and who may not), changing your own, the forced change, links."""
import pytest
from sqlmodel import select

from conference_app import db
from conference_app.accounts import service
from conference_app.models import User
from tests.helpers import PASSWORD, login


def _one_time(response) -> str:
    import re

    return re.search(r"data-one-time-password>([A-Z0-9-]+)<", response.text).group(1)


@pytest.fixture
def school(make):
    coach, other_coach = make.coach("coach"), make.coach("other.coach")
    student = make.student("pupil", coaches=[coach])
    return {"admin": make.admin("office"), "coach": coach, "other coach": other_coach,
            "student": student, "other student": make.student("another"), "anonymous": None}


@pytest.mark.parametrize("who, status", [
    ("admin", 200), ("coach", 200), ("other coach", 403), ("student", 403), ("other student", 403),
    ("anonymous", 302)])
def test_who_may_reset_a_students_password(school, login_as, who, status):
    client = login_as(school[who])
    response = client.post(f"/account/users/{school['student'].id}/reset")
    assert response.status_code == status
    if status == 302:
        assert "/login" in response.headers["Location"]
    if status == 200:
        assert response.headers["Cache-Control"] == "no-store"
        assert len(_one_time(response)) == 14


def test_a_coach_resets_only_students_and_nobody_resets_themself(school, login_as):
    coach = login_as(school["coach"])
    assert coach.post(f"/account/users/{school['other coach'].id}/reset").status_code == 403
    assert coach.post(f"/account/users/{school['coach'].id}/reset").status_code == 403
    admin = login_as(school["admin"])
    assert admin.post(f"/account/users/{school['admin'].id}/reset").status_code == 403
    assert admin.post(f"/account/users/{school['coach'].id}/reset").status_code == 200
    assert admin.post("/account/users/99999/reset").status_code == 404
    assert admin.post("/account/users/99999999999999999999/reset").status_code == 404
    assert admin.get(f"/account/users/{school['coach'].id}/reset").status_code == 405


def test_reset_then_forced_change_at_next_sign_in(app, school, login_as):
    password = _one_time(login_as(school["coach"]).post(f"/account/users/{school['student'].id}/reset"))
    fresh = app.test_client()
    assert fresh.post("/login", data={"username": "pupil", "password": PASSWORD}).status_code == 401
    login(fresh, school["student"], password)
    # Every page leads to the change form until it is done; htmx requests are redirected too.
    page = fresh.get("/portfolio/")
    assert page.status_code == 303 and page.headers["Location"].endswith("/account/password")
    assert fresh.post("/portfolio/upload", headers={"HX-Request": "true"}).headers["HX-Redirect"] == "/account/password"
    form = fresh.get("/account/password")
    assert form.status_code == 200 and "one-time password" in form.text
    same = fresh.post("/account/password", data={"current_password": password, "new_password": password,
                                                 "confirm": password})
    assert same.status_code == 422 and "not the one-time password" in same.text
    done = fresh.post("/account/password", data={"current_password": password, "new_password": "my own words",
                                                 "confirm": "my own words"})
    assert done.status_code == 303
    assert fresh.get("/portfolio/").status_code == 200
    assert app.test_client().post("/login", data={"username": "pupil", "password": password}).status_code == 401
    login(app.test_client(), school["student"], "my own words")


@pytest.mark.parametrize("who", ["admin", "coach", "student"])
def test_everyone_changes_their_own_password(app, school, login_as, who):
    client = login_as(school[who])
    assert client.get("/account/password").status_code == 200
    wrong = client.post("/account/password", data={"current_password": "nope-nope", "new_password": "a new one!",
                                                   "confirm": "a new one!"})
    assert wrong.status_code == 422 and "not your current password" in wrong.text
    mismatch = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "a new one!",
                                                      "confirm": "another one"})
    assert mismatch.status_code == 422 and "not the same" in mismatch.text
    short = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "short",
                                                   "confirm": "short"})
    assert short.status_code == 422 and "8" in short.text
    assert client.post("/account/password", data={"current_password": PASSWORD, "new_password": "a new one!",
                                                  "confirm": "a new one!"}).status_code == 303
    login(app.test_client(), school[who], "a new one!")


def test_change_password_needs_a_sign_in(client):
    assert client.get("/account/password").status_code == 302
    assert client.post("/account/password", data={}).status_code == 302


def test_deactivated_account_is_signed_out_and_reactivated_signs_in(app, school, login_as):
    student = login_as(school["student"])
    admin = login_as(school["admin"])
    assert admin.post(f"/admin/users/{school['student'].id}/active").status_code == 303
    assert student.get("/portfolio/").status_code == 302  # the open session ends
    assert app.test_client().post("/login", data={"username": "pupil", "password": PASSWORD}).status_code == 401
    assert admin.post(f"/admin/users/{school['student'].id}/active").status_code == 303
    login(app.test_client(), school["student"])


@pytest.mark.parametrize("who, status", [("coach", 403), ("student", 403), ("anonymous", 302)])
def test_only_admins_deactivate(school, login_as, who, status):
    assert login_as(school[who]).post(f"/admin/users/{school['student'].id}/active").status_code == status


def test_one_time_link_sets_a_password_once(app, school):
    with app.app_context():
        s = db.session()
        user = s.get(User, school["student"].id)
        [(_, token)] = service.issue_links(s, [user])
    client = app.test_client()
    assert client.get(f"/account/welcome/{token}").status_code == 200
    bad = client.post(f"/account/welcome/{token}", data={"new_password": "pupil", "confirm": "pupil"})
    assert bad.status_code == 422
    ok = client.post(f"/account/welcome/{token}", data={"new_password": "chosen by me", "confirm": "chosen by me"})
    assert ok.status_code == 303
    assert client.get(f"/account/welcome/{token}").status_code == 404  # used
    assert client.get("/account/welcome/not-a-token").status_code == 404
    assert client.get("/account/welcome/" + "x" * 500).status_code == 404
    login(app.test_client(), school["student"], "chosen by me")


def test_cli_reset_password(app, school):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reset-password", "PUPIL"])
    assert result.exit_code == 0, result.output
    password = result.output.strip().rsplit(" ", 1)[1]
    with app.app_context():
        assert db.session().exec(select(User).where(User.username == "pupil")).one().must_change_password
    login(app.test_client(), school["student"], password)
    missing = runner.invoke(args=["reset-password", "nobody"])
    assert missing.exit_code != 0 and "no account" in missing.output


def test_coach_page_shows_reset_and_group(school, login_as):
    page = login_as(school["coach"]).get("/portfolio/students")
    assert "New password for Pupil" in page.text
