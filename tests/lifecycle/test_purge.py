"""Purge: the admin chooses leavers, sees exactly what will go, confirms; every row and file of the students
goes (checked against the database and the media folder), nothing of anyone else; the audit log has no names."""
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel, select

from conference_app import backup, create_app, db
from conference_app.models import AuditEntry, User
from tests.conftest import VIEWERS, unit_config


def _rows(app) -> dict[str, set]:
    with app.app_context():
        conn = db.session().connection()
        return {t.name: {tuple(r) for r in conn.execute(t.select())} for t in SQLModel.metadata.sorted_tables}


def _files(app) -> set[str]:
    root = Path(app.config["MEDIA_ROOT"])
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def _theirs(rows: dict[str, set], app, student_id: int) -> int:
    """How many rows anywhere still name this student's text (their work's titles) or ids."""
    with app.app_context():
        conn = db.session().connection()
        n = conn.execute(text("SELECT count(*) FROM portfolioitem WHERE owner_id = :i"), {"i": student_id}).scalar()
        n += conn.execute(text("SELECT count(*) FROM conference WHERE owner_id = :i"), {"i": student_id}).scalar()
        n += conn.execute(text("SELECT count(*) FROM privatelink WHERE student_id = :i"), {"i": student_id}).scalar()
        n += conn.execute(text('SELECT count(*) FROM "user" WHERE id = :i'), {"i": student_id}).scalar()
    return n + sum(1 for table in rows.values() for row in table for v in row
                   if isinstance(v, str) and ("LEAVER" in v or v == "Mum"))


def test_the_preview_counts_what_will_go(app, year):
    admin = year.school.client("admin")
    r = admin.post("/admin/leavers/purge", data={"students": [year.school.owner.id]})
    assert r.status_code == 200
    page = r.text
    assert "Delete everything of 1 student?" in page and "Amara" in page and "Leo" not in page
    for label, n in (("Pieces of work", 2), ("Stored files (originals, sizes, record pictures)", 5),
                     ("Presentations", 1), ("Conferences and their records", 1), ("Goals", 1),
                     ("Private links (family copies, shared work)", 2), ("Messages sent in their conferences", 1)):
        assert f"<th scope=\"row\">{label}</th><td>{n}" in page, label
    assert "<td>1: Mum</td>" in page and "Grandad" not in page
    assert _theirs(_rows(app), app, year.school.owner.id) > 0  # nothing deleted by a preview


def test_purge_removes_every_row_and_file_of_the_student_and_nothing_else(app, year):
    before_rows, before_files = _rows(app), _files(app)
    leaver = year.school.owner.id
    assert any("rec-" in f for f in before_files)
    r = year.school.client("admin").post("/admin/leavers/purge", data={"students": [leaver], "confirm": "y"})
    assert r.status_code == 200 and "nothing of theirs is left in the media folder" in r.text
    after_rows, after_files = _rows(app), _files(app)
    assert _theirs(after_rows, app, leaver) == 0
    # nothing of anyone else changed; only the audit entry is new (and the admin's sign-in, made by the request)
    for table, rows in after_rows.items():
        if table not in ("auditentry", "signin"):
            assert rows <= before_rows[table], table
    stayer_rows = {t: {r for r in rows if any(isinstance(v, str) and ("STAYER" in v or v == "Grandad") for v in r)}
                   for t, rows in before_rows.items()}
    for table, rows in stayer_rows.items():
        assert rows <= after_rows[table], table
    gone = before_files - after_files
    assert gone and after_files <= before_files
    assert after_files  # the other student's files are all still there
    with app.app_context():
        from conference_app.models import MediaFile, RecordFile
        s = db.session()
        kept = {m.path for m in s.exec(select(MediaFile))} | {f.path for f in s.exec(select(RecordFile))}
    assert kept == after_files  # every file left belongs to a row left, and every row's file is there


def test_the_audit_log_keeps_counts_and_no_names(app, year):
    admin = year.school.client("admin")
    admin.post("/admin/leavers/purge", data={"students": [year.school.owner.id], "confirm": "y"})
    with app.app_context():
        entry = db.session().exec(select(AuditEntry)).one()
    assert entry.action == "purge" and entry.actor_id == year.school.admin.id
    assert '"items": 2' in entry.summary and '"students": 1' in entry.summary
    for name in ("Amara", "amara", "Mum", "LEAVER"):
        assert name not in entry.summary


def test_a_backup_made_before_a_purge_brings_nobody_back(app, year, fresh_url, tmp_path):
    """The erasure register, beside the backups, names who was purged (ids and account dates, no names);
    restoring an older backup erases them again, rows and files, and nobody else."""
    backups = tmp_path / "backups"
    archive, _ = backup.backup(app, backups)
    app.config["ERASURE_REGISTER"] = str(backups / "erasures.jsonl")
    leaver, stayer = year.school.owner.id, year.school.other_student.id
    r = year.school.client("admin").post("/admin/leavers/purge", data={"students": [leaver], "confirm": "y"})
    assert r.status_code == 200
    register = (backups / "erasures.jsonl").read_text()
    assert f"[[{leaver}, " in register
    for name in ("Amara", "amara", "Mum", "LEAVER"):
        assert name not in register
    with (backups / "erasures.jsonl").open("a") as f:  # the stayer's id with another account's date; a torn line
        f.write(f'{{"at": "2026-01-01T00:00:00", "students": [[{stayer}, "2001-01-01T00:00:00"]]}}\n{{"stud')

    fresh = create_app(unit_config(fresh_url, tmp_path / "restored-media",
                                   ERASURE_REGISTER=str(tmp_path / "its-own-register.jsonl")))
    try:
        assert backup.restore(fresh, archive)["erased_again"] == 1
        assert _theirs(_rows(fresh), fresh, leaver) == 0
        assert _files(fresh) == _files(app)  # the leaver's pictures and records are gone from its disk too
        with fresh.app_context():
            s = db.session()
            assert s.get(User, stayer) is not None
            replayed = s.exec(select(AuditEntry).where(AuditEntry.action.startswith("purge"))).one()
        assert replayed.action == "purge (replayed after a restore)" and replayed.actor_id is None
    finally:
        fresh.extensions["db_engine"].dispose()


@pytest.mark.parametrize("who", VIEWERS)
def test_only_the_admin_purges(app, year, who):
    client = year.school.client(who)
    expected = {"admin": 200, "anonymous": 302}.get(who, 403)
    assert client.get("/admin/leavers").status_code == expected
    r = client.post("/admin/leavers/purge", data={"students": [year.school.owner.id], "confirm": "y"})
    assert r.status_code == expected
    with app.app_context():
        assert (db.session().get(User, year.school.owner.id) is None) == (who == "admin")


def test_the_leavers_page_lists_who_left(app, year):
    admin = year.school.client("admin")
    assert admin.post(f"/admin/users/{year.school.owner.id}/active").status_code == 303  # Amara leaves
    with app.app_context():
        assert db.session().get(User, year.school.owner.id).left_on == date.today()
    page = admin.get("/admin/leavers?group=left").text
    assert "Amara" in page and "Leo" not in page
    assert "Leo" in admin.get("/admin/leavers?group=all").text


def test_bad_purges_are_refused_with_a_message(app, year):
    admin = year.school.client("admin")
    r = admin.post("/admin/leavers/purge", data={})
    assert r.status_code == 422 and "Choose at least one student." in r.text
    r = admin.post("/admin/leavers/purge", data={"students": ["999999"], "confirm": "y"})
    assert r.status_code == 422 and "not a valid choice" in r.text
    r = admin.post("/admin/leavers/purge", data={"students": ["abc"]})
    assert r.status_code == 422


def test_the_retention_command(app, year):
    with app.app_context():
        s = db.session()
        s.get(User, year.school.owner.id).left_on = date.today() - timedelta(days=3 * 366)
        s.get(User, year.school.other_student.id).left_on = date.today() - timedelta(days=100)
        s.commit()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "kept 1 years after leaving): 1" in dry.output and "items: 2" in dry.output
    assert "Nothing deleted." in dry.output
    with app.app_context():
        assert db.session().get(User, year.school.owner.id) is not None
    assert "): 0" in runner.invoke(args=["purge", "--dry-run", "--years", "5"]).output
    done = runner.invoke(args=["purge", "--yes"])
    assert done.exit_code == 0 and "nothing of theirs is left on disk" in done.output
    with app.app_context():
        s = db.session()
        assert s.get(User, year.school.owner.id) is None and s.get(User, year.school.other_student.id) is not None
        assert s.exec(select(AuditEntry.actor_id, AuditEntry.action)).one() == (None, "purge (retention)")
