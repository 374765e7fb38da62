"""The school's framework: only admins edit it; CSV import is previewed, then all or nothing on confirm, bad rows
named by their line."""
import html
import io
import re

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


def _confirm_fields(html_text: str) -> dict:
    """The hidden fields the preview's confirm form carries back (the file's text and the preview's digest)."""
    form = html_text[html_text.index('action="/growth/framework/import/confirm"'):]
    return {name: html.unescape(re.search(rf'name="{name}" type="hidden" value="([^"]*)"', form).group(1))
            for name in ("text", "digest")}


def _names(app) -> dict:
    with app.app_context():
        return {c.name: c.description for c in db.session().exec(select(Competency))}


IMPORT = ("Group,Competency,I can…\n"
          "Communication,Communicating,I can share my ideas.\n"
          "\n"
          "thinking,critical thinking,I can question my work.\n")


def test_csv_import_previews_without_storing_then_adds_and_updates_on_confirm(app, people):
    admin = people.client("admin")
    admin.post("/growth/framework/competencies", data={"group": "Thinking", "name": "Critical thinking",
                                                       "description": "old"})
    preview = admin.post("/growth/framework/import", data=_csv(IMPORT))
    assert preview.status_code == 200 and "Preview of framework.csv" in preview.text
    assert "Competencies: 1 new, 1 updated. Groups: 2, 1 of them new." in preview.text
    assert "I can share my ideas." in preview.text and "new group" in preview.text and "line 4" in preview.text
    assert "Emerging" in preview.text  # the scale they are placed on
    assert _names(app) == {"Critical thinking": "old"}  # the preview changed nothing
    with app.app_context():
        assert [g.name for g in db.session().exec(select(CompetencyGroup))] == ["Thinking"]
    fields = _confirm_fields(preview.text)
    assert fields["text"] == IMPORT
    response = admin.post("/growth/framework/import/confirm", data=fields, follow_redirects=True)
    assert response.status_code == 200 and "1 new, 1 updated" in response.text
    assert _names(app) == {"Critical thinking": "I can question my work.", "Communicating": "I can share my ideas."}


@pytest.mark.parametrize("who", VIEWERS)
def test_only_an_admin_confirms_an_import(app, people, who):
    fields = _confirm_fields(people.client("admin").post("/growth/framework/import", data=_csv(IMPORT)).text)
    response = people.client(who).post("/growth/framework/import/confirm", data=fields)
    assert response.status_code == {"admin": 303, "anonymous": 302}.get(who, 403)
    assert bool(_names(app)) == (who == "admin")


def test_a_file_or_framework_changed_since_the_preview_is_not_imported(app, people):
    admin = people.client("admin")
    fields = _confirm_fields(admin.post("/growth/framework/import", data=_csv(IMPORT)).text)
    changed = dict(fields, text=IMPORT + "Thinking,Creative thinking,I can make new ideas.\n")
    response = admin.post("/growth/framework/import/confirm", data=changed)
    assert response.status_code == 409 and "changed since the preview" in response.text
    assert "Creative thinking" in response.text and _names(app) == {}  # the new preview, and nothing stored
    # a competency of the file added by hand in the meantime: a new preview, then the confirm of that one works
    admin.post("/growth/framework/competencies", data={"group": "Communication", "name": "Communicating"})
    again = admin.post("/growth/framework/import/confirm", data=fields)
    assert again.status_code == 409 and "Competencies: 1 new, 1 updated. Groups: 2, 1 of them new." in again.text
    assert _names(app) == {"Communicating": ""}
    assert admin.post("/growth/framework/import/confirm", data=_confirm_fields(again.text)).status_code == 303
    assert _names(app) == {"Communicating": "I can share my ideas.", "critical thinking": "I can question my work."}
    expired = admin.post("/growth/framework/import/confirm", data={"text": IMPORT}, follow_redirects=True)
    assert expired.status_code == 200 and "Choose the file again" in expired.text


def test_csv_import_reports_bad_rows_by_line_and_stores_nothing(app, people):
    admin = people.client("admin")
    text = ("group,competency,i can\n"
            "Communication,Communicating,I can share.\n"
            ",Nameless group,x\n"
            "Thinking,,\n"
            f"Thinking,{'x' * 200},\n"
            "communication,COMMUNICATING,again\n"
            "Thinking,Testing,I can test, and check\n")
    response = admin.post("/growth/framework/import", data=_csv(text))
    assert response.status_code == 422 and "Nothing will be imported" in response.text
    assert "/growth/framework/import/confirm" not in response.text  # no confirm while any row is bad
    assert "Line 7 has more columns than the first line" in response.text
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
