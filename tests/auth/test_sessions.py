"""Sign-ins live on the server: signing out, a new password, deactivation and the lifetimes end them, whatever
cookie a browser kept."""
from datetime import timedelta

import pytest
from sqlmodel import select, update

from conference_app import db
from conference_app.models import SignIn, utcnow

from tests.helpers import login


def _saved_cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(app, cookie: str):
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def test_a_cookie_saved_before_signing_out_opens_nothing(app, make):
    student = make.student("ada")
    browser = login(app.test_client(), student)
    saved = _saved_cookie(browser)
    assert _replay(app, saved).get("/portfolio/").status_code == 200  # the copy works while signed in
    assert browser.post("/logout").status_code == 303
    assert _replay(app, saved).get("/portfolio/").status_code == 302  # to the sign-in page
    with app.app_context():
        assert db.session().exec(select(SignIn).where(SignIn.user_id == student.id)).all() == []


def _age(app, user, **fields):
    with app.app_context():
        s = db.session()
        s.exec(update(SignIn).where(SignIn.user_id == user.id).values(**fields))
        s.commit()


def test_a_browser_left_idle_is_signed_out(app, make):
    student = make.student("ada")
    browser = login(app.test_client(), student)
    _age(app, student, seen_at=utcnow() - timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] - 1))
    assert browser.get("/portfolio/").status_code == 200  # within the idle time: still signed in, and seen now
    _age(app, student, seen_at=utcnow() - timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1))
    assert browser.get("/portfolio/").status_code == 302


def test_a_sign_in_ends_after_its_absolute_lifetime_even_when_busy(app, make):
    student = make.student("ada")
    browser = login(app.test_client(), student)
    _age(app, student, created_at=utcnow() - timedelta(hours=app.config["SESSION_MAX_HOURS"], minutes=1))
    assert browser.get("/portfolio/").status_code == 302
    assert app.config["WTF_CSRF_TIME_LIMIT"] == app.config["SESSION_MAX_HOURS"] * 3600  # forms expire with it


def test_a_new_password_signs_out_every_other_browser(app, make, login_as):
    coach = make.coach("coach")
    student = make.student("ada", coaches=[coach])
    laptop, phone = login(app.test_client(), student), login(app.test_client(), student)
    new = "a-new-long-password"
    changed = laptop.post("/account/password", data={"current_password": "correct-horse", "new_password": new,
                                             "confirm": new})
    assert changed.status_code == 303, changed.text
    assert laptop.get("/portfolio/").status_code == 200  # the browser that changed it stays signed in
    assert phone.get("/portfolio/").status_code == 302
    # a coach's reset (a one-time password) signs the student out everywhere
    assert login_as(coach).post(f"/account/users/{student.id}/reset").status_code == 200
    assert laptop.get("/portfolio/").status_code == 302


def test_deactivating_an_account_ends_its_sign_ins(app, make, login_as):
    admin, student = make.admin(), make.student("ada")
    browser = login(app.test_client(), student)
    login_as(admin).post(f"/admin/users/{student.id}/active")
    assert browser.get("/portfolio/").status_code == 302
    with app.app_context():
        assert db.session().exec(select(SignIn).where(SignIn.user_id == student.id)).all() == []


@pytest.mark.parametrize("forged", ["", "not-a-token", "x" * 5000])
def test_a_forged_sign_in_token_is_anonymous_not_an_error(app, make, forged):
    student = make.student("ada")
    browser = login(app.test_client(), student)
    with browser.session_transaction() as sess:
        sess["sign_in"] = forged
    assert browser.get("/portfolio/").status_code == 302
    with browser.session_transaction() as sess:
        sess["_user_id"] = "99999999999999999999"
    assert browser.get("/portfolio/").status_code == 302
