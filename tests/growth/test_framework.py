"""The school's framework: only admins edit it; CSV import is all or nothing, bad rows named by their line."""
import io

import pytest
from sqlmodel import select

from conference_app import db
from conference_app.growth import framework
from conference_app.models import Competency, CompetencyGroup, ScaleStep

from tests.conftest import VIEWERS


def _csv(text: str):
    return {"file": (io.BytesIO(text.encode()), "framework.csv")}


@pytest.mark.parametrize("who", VIEWERS)
def test_only_an_admin_sees_and_changes_the_framework(app, people, who):
    client = people.client(who)
    expected = {"admin": (200, 303), "anonymous": (302, 302)}.get(who, (403, 403))
    assert client.get("/growth/framework").status_code == expected[0]
    added = client.post("/growth/framework/competencies", data={"group": "Thinking", "name": "Creative thinking",
                                                                "description": "I can try new ideas."})
    assert added.status_code == expected[1]
    with app.app_context():
        names = list(db.session().exec(select(Competency.name)))
    assert names == (["Creative thinking"] if who == "admin" else [])


def test_the_default_scale_has_four_steps_and_can_be_renamed(app, people):
    admin = people.client("admin")
    page = admin.get("/growth/framework").text
    for name in ("Emerging", "Developing", "Proficient", "Extending"):
        assert f'value="{name}"' in page
    renamed = admin.post("/growth/framework/scale", data={f"steps-{i}": n for i, n in
                                                           enumerate(["Beginning", "Growing", "Secure", "Beyond"])})
    assert renamed.status_code == 303
    with app.app_context():
        assert [st.name for st in framework.scale(db.session())] == ["Beginning", "Growing", "Secure", "Beyond"]
    empty = admin.post("/growth/framework/scale", data={"steps-0": " ", "steps-1": "a", "steps-2": "b", "steps-3": "c"})
    assert empty.status_code == 422 and "Please write your step name" in empty.text
    assert people.client("coach").post("/growth/framework/scale", data={"steps-0": "x"}).status_code == 403


def test_edit_and_delete_a_competency(app, people):
    admin = people.client("admin")
    admin.post("/growth/framework/competencies", data={"group": "Thinking", "name": "Critical", "description": ""})
    with app.app_context():
        c = db.session().exec(select(Competency)).one()
    edited = admin.post(f"/growth/framework/competencies/{c.id}",
                        data={"group": "Personal", "name": "Critical thinking", "description": "I can ask why."})
    assert edited.status_code == 303
    with app.app_context():
        s = db.session()
        c = s.get(Competency, c.id)
        assert (c.name, c.description) == ("Critical thinking", "I can ask why.")
        assert [g.name for g in s.exec(select(CompetencyGroup))] == ["Personal"]  # the empty group went
    assert admin.post(f"/growth/framework/competencies/{c.id}", data={"group": "", "name": "x"}).status_code == 422
    assert people.client("owner").post(f"/growth/framework/competencies/{c.id}/delete").status_code == 403
    assert admin.post(f"/growth/framework/competencies/{c.id}/delete").status_code == 303
    assert admin.post("/growth/framework/competencies/99999/delete").status_code == 404
    with app.app_context():
        assert db.session().exec(select(Competency)).first() is None


def test_csv_import_adds_and_updates(app, people):
    admin = people.client("admin")
    admin.post("/growth/framework/competencies", data={"group": "Thinking", "name": "Critical thinking",
                                                       "description": "old"})
    text = ("Group,Competency,I can…\n"
            "Communication,Communicating,I can share my ideas.\n"
            "\n"
            "thinking,critical thinking,I can question my work.\n")
    response = admin.post("/growth/framework/import", data=_csv(text), follow_redirects=True)
    assert response.status_code == 200 and "1 new, 1 updated" in response.text
    with app.app_context():
        rows = {c.name: c.description for c in db.session().exec(select(Competency))}
    assert rows == {"Critical thinking": "I can question my work.", "Communicating": "I can share my ideas."}


def test_csv_import_reports_bad_rows_by_line_and_stores_nothing(app, people):
    admin = people.client("admin")
    text = ("group,competency,i can\n"
            "Communication,Communicating,I can share.\n"
            ",Nameless group,x\n"
            "Thinking,,\n"
            f"Thinking,{'x' * 200},\n"
            "communication,COMMUNICATING,again\n")
    response = admin.post("/growth/framework/import", data=_csv(text))
    assert response.status_code == 422
    for line in ("Line 3", "Line 4", "Line 5", "Line 6"):
        assert line in response.text
    assert "Line 2" not in response.text and "is also on line 2" in response.text
    with app.app_context():
        assert db.session().exec(select(Competency)).first() is None
    no_header = admin.post("/growth/framework/import", data=_csv("Communication,Communicating\n"))
    assert no_header.status_code == 422 and "Line 1 must name the columns" in no_header.text
    binary = admin.post("/growth/framework/import", data={"file": (io.BytesIO(b"\x00\x01PK"), "x.csv")})
    assert binary.status_code == 422 and "not a CSV" in binary.text
    assert admin.post("/growth/framework/import", data={}).status_code == 422
    assert people.client("coach").post("/growth/framework/import", data=_csv(text)).status_code == 403


def test_the_scale_is_made_once(app):
    with app.app_context():
        s = db.session()
        framework.scale(s)
        framework.scale(s)
        assert len(list(s.exec(select(ScaleStep)))) == 4
