"""Importing a school's accounts from CSV: preview, an error per bad row, idempotent, 600 rows quickly."""
import csv
import io
import time

import pytest
from sqlmodel import func, select

from conference_app import ROOT, db
from conference_app.auth.accounts import coaches_of
from conference_app.models import CoachAssignment, TutorGroup, User


def _upload(client, text: str | bytes, name="people.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post("/admin/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _confirm_text(response) -> str:
    import html
    import re

    return html.unescape(re.search(r'name="text" type="hidden" value="([^"]*)"', response.text).group(1))


def _count(app, model) -> int:
    with app.app_context():
        return db.session().exec(select(func.count()).select_from(model)).one()


def test_preview_stores_nothing_then_confirm_imports_and_reimport_changes_nothing(app, make, login_as):
    admin = login_as(make.admin())
    example = (ROOT / "docs" / "accounts-example.csv").read_text()
    preview = _upload(admin, example)
    assert preview.status_code == 200, preview.text
    assert "7 new accounts" in preview.text.replace("</strong>", "").replace("<strong>", "")
    assert _count(app, User) == 1 and _count(app, TutorGroup) == 0  # nothing stored yet
    confirm = admin.post("/admin/import/confirm", data={"text": _confirm_text(preview)})
    assert confirm.status_code == 303
    with app.app_context():
        s = db.session()
        users = {u.username: u for u in s.exec(select(User))}
        assert users["leo.brennan@school.example"].display_name == "Leo Brennan"  # email as username
        assert users["kai.nakamura"].role == "student" and users["office"].role == "admin"
        assert {c.username for c in coaches_of(s, users["kai.nakamura"].id)} == {"mr.lindqvist", "ms.okafor"}
        assert s.get(TutorGroup, users["amara.diallo"].tutor_group_id).name == "7A"
        assert users["amara.diallo"].password_hash == "" and users["amara.diallo"].must_change_password
    before = (_count(app, User), _count(app, TutorGroup), _count(app, CoachAssignment))
    again = _upload(admin, example)
    assert again.status_code == 200 and "would change nothing" in again.text
    admin.post("/admin/import/confirm", data={"text": _confirm_text(again)} if "name=\"text\"" in again.text
               else {"text": example})
    assert (_count(app, User), _count(app, TutorGroup), _count(app, CoachAssignment)) == before
    # The pages show the groups.
    assert "7A" in admin.get("/admin/users").text


def test_bad_rows_each_get_their_line_and_nothing_is_stored(app, make, login_as):
    admin = login_as(make.admin())
    make.student("taken.student")
    text = ("Name;Username;Role;Tutor group;Coach\n"
            "Good One;good.one;student;8C;\n"
            ";no.name;student;;\n"
            "Bad Name;has space;student;;\n"
            "Wrong Role;wrong.role;wizard;;\n"
            "Dup;good.one;student;;\n"
            "No Coach;no.coach;student;;ghost\n"
            "Staff Coach;staff.coach;coach;;good.one\n"
            "Taken;taken.student;coach;;\n")
    response = _upload(admin, text)
    assert response.status_code == 422
    body = response.text
    for line, words in [(3, "name is missing"), (4, "cannot be a username"), (5, "Unknown role"),
                        (6, "also on line 2"), (7, "not a coach account"), (8, "Only students have coaches"),
                        (9, "already exists as student")]:
        assert f"<td>{line}</td>" in body and words in body, (line, words)
    assert "Nothing has been imported" in body and 'name="text"' not in body
    assert _count(app, User) == 2
    # A forged confirm with the same text is refused too.
    assert admin.post("/admin/import/confirm", data={"text": text}).status_code == 422
    assert _count(app, User) == 2


@pytest.mark.parametrize("data, words", [
    (b"", "Choose the CSV file"),
    (b"just,some,columns\n1,2,3\n", "No name column"),
    (b"name,role\nA,student\n", "or “email” column"),
    (b"name,username\n", "nobody in it"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not a CSV"),
    (b"name,username\n\"unclosed,x\n", "could not be read"),
])
def test_unreadable_files_get_a_clear_422(make, login_as, data, words):
    admin = login_as(make.admin())
    response = (admin.post("/admin/import", data={}, content_type="multipart/form-data") if not data
                else _upload(admin, data))
    assert response.status_code == 422 and words in response.text, response.text[-800:]


def test_windows_1252_file_with_bom_less_accents(app, make, login_as):
    admin = login_as(make.admin())
    response = _upload(admin, "name,username\nSofía Ramírez,sofia\n".encode("cp1252"))
    assert response.status_code == 200 and "Sofía Ramírez" in response.text


def test_600_rows_in_a_few_seconds(app, make, login_as):
    admin = login_as(make.admin())
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["name", "email", "role", "group", "coach"])
    for c in range(20):
        w.writerow([f"Coach {c}", f"coach{c}@school.example", "coach", "", ""])
    for i in range(580):
        w.writerow([f"Student {i}", f"s{i}@school.example", "student", f"Y{i % 20}", f"coach{i % 20}@school.example"])
    started = time.monotonic()
    preview = _upload(admin, out.getvalue())
    assert preview.status_code == 200
    assert admin.post("/admin/import/confirm", data={"text": _confirm_text(preview)}).status_code == 303
    elapsed = time.monotonic() - started
    assert _count(app, User) == 601 and _count(app, CoachAssignment) == 580 and _count(app, TutorGroup) == 20
    assert elapsed < 5, f"600 rows took {elapsed:.1f} s"
    again = _upload(admin, out.getvalue())
    assert "would change nothing" in again.text


def test_sign_in_letters_link_each_imported_person(app, make, login_as):
    admin = login_as(make.admin())
    preview = _upload(admin, "name,username,role\nAmy Pond,amy,student\nRory,rory,coach\n")
    admin.post("/admin/import/confirm", data={"text": _confirm_text(preview)})
    letters = admin.post("/admin/letters")
    assert letters.status_code == 200 and letters.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(letters.text.lstrip("\ufeff"))))
    assert {r["username"] for r in rows} == {"amy", "rory"}
    link = rows[0]["link"].split("localhost", 1)[1]
    client = app.test_client()
    assert client.post(link, data={"new_password": "amy's own pw", "confirm": "amy's own pw"}).status_code == 303
    assert client.post("/login", data={"username": rows[0]["username"], "password": "amy's own pw"}).status_code == 303
    again = list(csv.DictReader(io.StringIO(admin.post("/admin/letters").text.lstrip("\ufeff"))))
    assert [r["username"] for r in again] == [rows[1]["username"]]  # only who still has no password
    assert app.test_client().get(rows[1]["link"].split("localhost", 1)[1]).status_code == 404  # replaced


@pytest.mark.parametrize("who, status", [("coach", 403), ("student", 403), ("other coach", 403), ("anonymous", 302)])
@pytest.mark.parametrize("method, path", [("get", "/admin/import"), ("post", "/admin/import"),
                                          ("post", "/admin/import/confirm"), ("post", "/admin/letters"),
                                          ("get", "/admin/import/example.csv")])
def test_only_admins_import(app, make, login_as, who, status, method, path):
    coach = make.coach()
    people = {"coach": coach, "student": make.student(coaches=[coach]), "other coach": make.coach(), "anonymous": None}
    response = getattr(login_as(people[who]), method)(path, data={"text": "name,username\nX,x\n"})
    assert response.status_code == status
    assert _count(app, User) == 3


def test_admin_downloads_the_example(make, login_as):
    response = login_as(make.admin()).get("/admin/import/example.csv")
    assert response.status_code == 200 and response.text.startswith("name,username,email,role,group,coach")


def test_too_large_file_and_formula_names_in_the_letters(app, make, login_as):
    admin = login_as(make.admin())
    huge = "name,username\n" + "x" * (460 * 1024)  # over the 450 kB limit, under Werkzeug's in-memory part size
    response = _upload(admin, huge)
    assert response.status_code == 422 and "larger than 450 kB" in response.text
    preview = _upload(admin, "name,username\n=HYPERLINK(\"http://x\"),evil\n")
    admin.post("/admin/import/confirm", data={"text": _confirm_text(preview)})
    letters = admin.post("/admin/letters").text
    assert "'=HYPERLINK" in letters


def test_family_columns_put_siblings_in_one_family(app, make, login_as):
    from conference_app.models import Family, FamilyStudent
    admin = login_as(make.admin())
    text = ("name,username,group,family,family email,family language\n"
            "Amara Mensah,amara,7A,mensah,mensah@example.org,fr\n"
            "Kofi Mensah,kofi,7A,mensah,,\n"
            "Leo Fischer,leo,7A,,,\n")
    preview = _upload(admin, text)
    assert preview.status_code == 200
    assert admin.post("/admin/import/confirm", data={"text": _confirm_text(preview)}).status_code == 303
    with app.app_context():
        s = db.session()
        family = s.exec(select(Family).where(Family.key == "mensah")).one()
        assert (family.email, family.language) == ("mensah@example.org", "fr")
        members = set(s.exec(select(User.username).join(FamilyStudent, FamilyStudent.student_id == User.id)
                             .where(FamilyStudent.family_id == family.id)))
        assert members == {"amara", "kofi"}
    again = _upload(admin, text)
    assert "would change nothing" in again.text
    bad = _upload(admin, "name,username,role,family,family email,family language\n"
                         "A,aa,student,x y,nope,klingon\nB,bb,coach,staff1,,\nC,cc,student,,c@example.org,\n")
    assert "cannot be used" in bad.text and "is not an email address" in bad.text
    assert "Unknown family language" in bad.text and "Only students are in a family" in bad.text
    assert "needs a family key" in bad.text
