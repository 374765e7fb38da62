"""Export: a student or their coach downloads the whole portfolio as one ZIP (an offline site, the originals,
data.json); the admin exports a group as one job with progress."""
import io
import json
import threading
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from conference_app import db
from conference_app.models import AuditEntry, ExportJob, MediaFile, PortfolioItem, utcnow
from tests.conftest import VIEWERS

HX = {"HX-Request": "true"}


def _zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200 and response.mimetype == "application/zip", response.status_code
    data = response.data
    response.close()
    return zipfile.ZipFile(io.BytesIO(data))


def test_the_zip_holds_every_item_record_and_original(app, year):
    owner = year.school.owner
    r = year.school.client("owner").get(f"/students/{owner.id}/export.zip")
    assert r.headers["Content-Disposition"].startswith("attachment; filename=portfolio-amara-")
    z = _zip(r)
    names = set(z.namelist())
    with app.app_context():
        s = db.session()
        items = list(s.exec(select(PortfolioItem).where(PortfolioItem.owner_id == owner.id)))
        originals = list(s.exec(select(MediaFile).where(MediaFile.item_id.in_([i.id for i in items]),
                                                        MediaFile.variant == "original")))
    assert len(items) == 2 and len(originals) == 1
    for required in ("amara/index.html", "amara/style.css", "amara/data.json",
                     f"amara/records/{year.leaver_conference}.html", *(f"amara/items/{i.id}.html" for i in items),
                     f"amara/files/{originals[0].item_id}/original.jpg"):
        assert required in names, required
    index = z.read("amara/index.html").decode()
    assert "LEAVER-PICTURE" in index and "LEAVER-WRITING" in index and "LEAVER-GOAL" in index
    assert "STAYER" not in " ".join(z.read(n).decode(errors="ignore") for n in names if n.endswith((".html", ".json")))
    picture = next(i for i in items if i.kind == "image")
    page = z.read(f"amara/items/{picture.id}.html").decode()
    assert "Mum-MESSAGE" in page and 'href="../style.css"' in page  # the feedback it received
    record = z.read(f"amara/records/{year.leaver_conference}.html").decode()
    assert "Mum-MESSAGE" in record and "data:image/webp;base64," in record
    data = json.loads(z.read("amara/data.json"))
    assert {i["title"] for i in data["items"]} == {"LEAVER-PICTURE", "LEAVER-WRITING"}
    assert data["conferences"][0]["feedback"][0]["text"] == "Mum-MESSAGE"
    assert data["goals"][0]["text"] == "LEAVER-GOAL"
    for html in (n for n in names if n.endswith(".html")):
        text = z.read(html).decode()
        for outside in ('src="/', 'href="/', "http://", "https://", "<script"):
            assert outside not in text, (html, outside)


def test_a_coachs_export_leaves_out_private_work(app, year, make):
    make.item(year.school.owner, title="MY-PRIVATE-DIARY", visibility="private")
    names = {}
    for who in ("owner", "coach"):
        z = _zip(year.school.client(who).get(f"/students/{year.school.owner.id}/export.zip"))
        names[who] = " ".join(z.read(n).decode() for n in z.namelist() if n.endswith((".html", ".json")))
    assert "MY-PRIVATE-DIARY" in names["owner"] and "MY-PRIVATE-DIARY" not in names["coach"]
    assert "LEAVER-PICTURE" in names["coach"]


@pytest.mark.parametrize("who", VIEWERS)
def test_who_may_download_a_portfolio(app, year, who):
    r = year.school.client(who).get(f"/students/{year.school.owner.id}/export.zip")
    assert r.status_code == {"owner": 200, "coach": 200, "anonymous": 302}.get(who, 404)
    r.close()


def test_the_admin_exports_a_group_as_one_job_with_progress(app, year):
    admin = year.school.client("admin")
    ids = [year.school.owner.id, year.school.other_student.id]
    r = admin.post("/admin/exports", data={"students": ids})
    assert r.status_code == 303
    job_url = r.headers["Location"]
    assert "<progress" in admin.get(job_url).text
    for _ in range(100):
        fragment = admin.get(job_url, headers={**HX, "HX-Target": "export-job"}).text
        if "Download the ZIP" in fragment:
            break
        time.sleep(0.1)
    assert "2 of 2 portfolios" in fragment and "<html" not in fragment and "hx-trigger" not in fragment
    z = _zip(admin.get(job_url + "/export.zip"))
    assert sorted(z.namelist()) == sorted([f"amara-{ids[0]}.zip", f"leo-{ids[1]}.zip"])
    inner = zipfile.ZipFile(io.BytesIO(z.read(f"leo-{ids[1]}.zip")))
    assert "leo/index.html" in inner.namelist()
    with app.app_context():
        s = db.session()
        assert s.exec(select(ExportJob.state)).one() == "ready"
        assert [e.summary for e in s.exec(select(AuditEntry))] == ['{"students": 2}']
    # purging a student removes the exports that hold them: the ZIP, even one whose row is not marked
    # ready yet (a run finishing that moment), and any run's half-written file
    exports = Path(app.config["EXPORT_ROOT"])
    job_id = int(job_url.rsplit("/", 1)[1])
    with app.app_context():
        s = db.session()
        s.get(ExportJob, job_id).path = ""
        s.commit()
    (exports / f"export-{job_id}-stopped.partial").write_bytes(b"PK")
    admin.post("/admin/leavers/purge", data={"students": [ids[0]], "confirm": "y"})
    assert admin.get(job_url).status_code == 404
    assert not list(exports.glob("export-*"))


def _wait_for_download(admin, job_url) -> str:
    for _ in range(150):
        fragment = admin.get(job_url, headers={**HX, "HX-Target": "export-job"}).text
        if "Download the ZIP" in fragment:
            return fragment
        time.sleep(0.1)
    raise AssertionError(fragment)


def test_an_export_whose_process_stopped_is_taken_over_and_finishes(app, year, monkeypatch):
    """A restart or a crash stops the run building a group's ZIP: its lease runs out, and the admin's page,
    still polling, starts it again (from the start, its half-written file removed); a job whose run is alive
    is left to it."""
    ids = [year.school.owner.id, year.school.other_student.id]
    with app.app_context():
        s = db.session()
        alive = ExportJob(actor_id=year.school.admin.id, student_ids=f"{ids[0]}", total=1, done=0,
                          runner="alive", lease_until=utcnow() + timedelta(seconds=30))
        stopped = ExportJob(actor_id=year.school.admin.id, student_ids=",".join(map(str, ids)), total=2, done=1,
                            runner="stopped", lease_until=utcnow() - timedelta(seconds=1))
        s.add_all([alive, stopped])
        s.commit()
        alive_id, stopped_id = alive.id, stopped.id
    exports = Path(app.config["EXPORT_ROOT"])
    exports.mkdir(parents=True, exist_ok=True)
    half = exports / f"export-{stopped_id}-stopped.partial"
    half.write_bytes(b"PK half a zip")
    admin = year.school.client("admin")

    from conference_app.lifecycle import export

    go_on, real = threading.Event(), export.student_zip
    monkeypatch.setattr(export, "student_zip", lambda *a, **k: go_on.wait(10) and real(*a, **k))
    first = admin.get(f"/admin/exports/{stopped_id}", headers=HX).text
    assert "0 of 2 portfolios" in first and "started again from the beginning" in first  # told why it went back
    go_on.set()
    fragment = _wait_for_download(admin, f"/admin/exports/{stopped_id}")
    assert "2 of 2 portfolios" in fragment
    z = _zip(admin.get(f"/admin/exports/{stopped_id}/export.zip"))
    assert sorted(z.namelist()) == sorted([f"amara-{ids[0]}.zip", f"leo-{ids[1]}.zip"])
    assert not half.exists() and not list(exports.glob("*.partial"))

    for _ in range(3):
        assert "hx-trigger" in admin.get(f"/admin/exports/{alive_id}", headers=HX).text  # still its run's
    with app.app_context():
        job = db.session().get(ExportJob, alive_id)
        assert (job.state, job.runner, job.restarts) == ("running", "alive", 0)


def test_a_run_that_lost_its_job_stops_and_leaves_nothing(app, year, monkeypatch):
    """A run thought stopped (its lease ran out while it was slow) and taken over writes nothing more: not
    the progress, not the ZIP."""
    from conference_app.lifecycle import export

    first = threading.Event()
    go_on = threading.Event()
    real = export.student_zip

    def slow_student_zip(*args, **kwargs):
        first.set()
        go_on.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(export, "student_zip", slow_student_zip)
    admin = year.school.client("admin")
    r = admin.post("/admin/exports", data={"students": [year.school.owner.id, year.school.other_student.id]})
    job_id = int(r.headers["Location"].rsplit("/", 1)[1])
    assert first.wait(10)
    with app.app_context():
        s = db.session()
        s.get(ExportJob, job_id).runner = "another"  # taken over by another process
        s.commit()
    go_on.set()
    exports = Path(app.config["EXPORT_ROOT"])
    for _ in range(50):
        if not list(exports.glob("*.partial")):
            break
        time.sleep(0.1)
    with app.app_context():
        job = db.session().get(ExportJob, job_id)
        assert (job.state, job.done, job.runner, job.path) == ("running", 0, "another", "")
    assert not list(exports.glob("*.partial")) and not (exports / f"export-{job_id}.zip").exists()


@pytest.mark.parametrize("who", [w for w in VIEWERS if w != "admin"])
def test_only_the_admin_exports_groups(app, year, who):
    client = year.school.client(who)
    r = client.post("/admin/exports", data={"students": [year.school.owner.id]})
    assert r.status_code == (302 if who == "anonymous" else 403)
    with app.app_context():
        assert db.session().exec(select(ExportJob)).first() is None


def test_a_bad_export_is_refused_with_a_message(app, year):
    r = year.school.client("admin").post("/admin/exports", data={})
    assert r.status_code == 422 and "Choose at least one student." in r.text
    assert year.school.client("admin").get("/admin/exports/12345").status_code == 404
