"""Export: a student or their coach downloads the whole portfolio as one ZIP (an offline site, the originals,
data.json); the admin exports a group as one job with progress."""
import io
import json
import time
import zipfile

import pytest
from sqlmodel import select

from conference_app import db
from conference_app.models import AuditEntry, ExportJob, MediaFile, PortfolioItem
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
    # purging a student removes the exports that hold them
    admin.post("/admin/leavers/purge", data={"students": [ids[0]], "confirm": "y"})
    assert admin.get(job_url).status_code == 404


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
