from sqlmodel import select

from conference_app import db
from conference_app.auth.accounts import coaches_of
from conference_app.models import User


def test_admin_creates_accounts_of_each_role(app, make, login_as):
    admin = login_as(make.admin())
    for role in ("student", "coach", "admin"):
        response = admin.post("/admin/users", data={"display_name": f"New {role}", "username": f"new.{role}",
                                                    "role": role, "password": "long-enough"})
        assert response.status_code == 303, response.text
    page = admin.get("/admin/users").text
    assert "New student" in page and "New coach" in page
    with app.app_context():
        roles = {u.username: u.role for u in db.session().exec(select(User))}
    assert roles["new.student"] == "student" and roles["new.coach"] == "coach"
    signed_in = app.test_client().post("/login", data={"username": "new.coach", "password": "long-enough"})
    assert signed_in.status_code == 303


def test_admin_form_explains_bad_input(make, login_as):
    admin = login_as(make.admin())
    make.student("taken")
    dup = admin.post("/admin/users", data={"display_name": "X", "username": "taken", "role": "student",
                                           "password": "long-enough"})
    assert dup.status_code == 422 and "is taken" in dup.text
    short = admin.post("/admin/users", data={"display_name": "X", "username": "x.y", "role": "student",
                                             "password": "short"})
    assert short.status_code == 422 and "8" in short.text
    bad = admin.post("/admin/users", data={"display_name": "X", "username": "no spaces<>", "role": "root",
                                           "password": "long-enough"})
    assert bad.status_code == 422 and "Letters, digits" in bad.text and "Not a valid choice" in bad.text


def test_admin_assigns_coaches(app, make, login_as):
    admin = login_as(make.admin())
    c1, c2 = make.coach("c1"), make.coach("c2")
    student = make.student("s")
    assert admin.post(f"/admin/users/{student.id}/coaches", data={"coaches": [c1.id, c2.id]}).status_code == 303
    with app.app_context():
        assert {c.id for c in coaches_of(db.session(), student.id)} == {c1.id, c2.id}
    admin.post(f"/admin/users/{student.id}/coaches", data={"coaches": [c2.id]})
    with app.app_context():
        assert [c.id for c in coaches_of(db.session(), student.id)] == [c2.id]
    assert admin.post(f"/admin/users/{student.id}/coaches", data={"coaches": [999]}).status_code == 422
    assert admin.get(f"/admin/users/{c1.id}/coaches").status_code == 404  # a coach has no coaches
    assert admin.get("/admin/users/9999/coaches").status_code == 404


def test_admin_cannot_deactivate_themself(make, login_as):
    me = make.admin()
    admin = login_as(me)
    admin.post(f"/admin/users/{me.id}/active")
    assert admin.get("/admin/users").status_code == 200
