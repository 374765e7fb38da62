"""The app factory, its configuration and the command line."""
import os
import wave
from pathlib import Path

from sqlalchemy import text
from sqlmodel import select

from conference_app import create_app, db
from conference_app.models import MediaFile, PortfolioItem, User


def test_secret_key_is_generated_once_into_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    from conference_app.config import from_environment

    first = from_environment(str(tmp_path))
    assert len(first["SECRET_KEY"]) == 64 and first["DATABASE_URL"].startswith("sqlite:///")
    assert from_environment(str(tmp_path))["SECRET_KEY"] == first["SECRET_KEY"]
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
    monkeypatch.setenv("MAX_UPLOAD_MB", "7")
    assert from_environment(str(tmp_path))["MAX_CONTENT_LENGTH"] == 7 * 1024 * 1024


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "MEDIA_ROOT": str(tmp_path / "m")})
    with app.extensions["db_engine"].connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    app.extensions["db_engine"].dispose()


def test_pages_carry_security_headers_and_no_foreign_hosts(client):
    response = client.get("/login")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "HX-Request" in response.headers["Vary"]
    assert "http://" not in response.text and "https://" not in response.text


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "We could not find that" in response.text


def test_create_admin_command(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "head", "--name", "Head Teacher"],
                                          input="long-password\nlong-password\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session().exec(select(User)).one().role == "admin"
    again = app.test_cli_runner().invoke(args=["create-admin", "head"], input="long-password\nlong-password\n")
    assert again.exit_code != 0 and "taken" in again.output


def test_demo_school_is_built_once_through_the_real_pipeline(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert "amara" in result.output and "showcase-demo" in result.output
    with app.app_context():
        s = db.session()
        users = s.exec(select(User)).all()
        assert {u.role for u in users} == {"admin", "coach", "student"}
        assert sum(u.is_student for u in users) >= 4
        kinds = {i.kind for i in s.exec(select(PortfolioItem))}
        assert {"image", "document", "audio", "writing"} <= kinds
        assert s.exec(select(MediaFile).where(MediaFile.variant == "projector", MediaFile.page == 3)).first()
        # growth: one framework, self-assessments over time (a coach's view among them), a version chain, slides
        from conference_app.models import Competency, ItemVersion, SelfAssessment, Slide, SlideKind

        assert len(s.exec(select(Competency)).all()) == 6
        authors = {a.author_id for a in s.exec(select(SelfAssessment))}
        assert len(s.exec(select(SelfAssessment)).all()) >= 5 and len(authors) == 2
        assert len(s.exec(select(ItemVersion)).all()) == 1
        assert {SlideKind.GROWTH, SlideKind.THEN_NOW} <= set(s.exec(select(Slide.kind)))
        # a spoken reflection that plays on the slides, and a self-assessment's spoken why: real sound files
        from conference_app.models import SpokenReflection

        spoken = s.exec(select(SpokenReflection)).one()
        assert spoken.on_slide
        why = s.exec(select(SelfAssessment).where(SelfAssessment.spoken_media_id.is_not(None))).one()
        for media in (s.get(MediaFile, spoken.media_id), s.get(MediaFile, why.spoken_media_id)):
            with wave.open(str(Path(app.config["MEDIA_ROOT"]) / media.path)) as w:
                assert w.getnframes() / w.getframerate() >= 2
        # the e-Portfolio day: families (one sibling pair), everyone placed, siblings back to back
        from conference_app.models import FamilyStudent, Invitation, Slot

        slots = s.exec(select(Slot)).all()
        assert len(slots) == 5 and all(sl.starts_min is not None for sl in slots)
        assert len(s.exec(select(Invitation)).all()) == 4 and len(s.exec(select(FamilyStudent)).all()) == 5
        count = len(users)
    runner.invoke(args=["demo-data"])
    with app.app_context():
        assert len(db.session().exec(select(User)).all()) == count
    assert os.listdir(app.config["MEDIA_ROOT"])


def test_ids_past_what_the_database_holds_are_an_ordinary_404(app, make, login_as):
    """Every `<int:...>` in every route, anonymously and signed in: 2**31 and 2**63 are 404s, not 500s."""
    rules = [r for r in app.url_map.iter_rules() if "int" in str(r.rule) and "GET" in r.methods]
    assert len(rules) > 10
    student = login_as(make.student("amara"))
    for who in (app.test_client(), student):
        for rule in rules:
            for huge in (2**31, 2**63, 10**30):
                url = str(rule.rule)
                for name in rule.arguments:
                    url = url.replace(f"<int:{name}>", str(huge)).replace(f"<{name}>", "ABCD2345")
                response = who.get(url)
                assert response.status_code in (302, 404), (url, response.status_code)


def test_the_htmx_convention_is_set_once_and_refusals_carry_their_message(people):
    """base.html swaps every 4xx; a refusal with no fragment of its own goes to the page's #messages."""
    page = people.client("owner").get("/portfolio/").text
    assert page.count('<meta name="htmx-config"') == 1 and '{"code": "4..", "swap": true, "error": false}' in page
    assert page.count('id="messages"') == 1
    r = people.client("coach").post("/goals/", data={"text": "x"}, headers={"HX-Request": "true"})
    assert r.status_code == 403
    assert r.headers["HX-Retarget"] == "#messages" and r.headers["HX-Reswap"] == "innerHTML"
    assert "That is not yours to open" in r.text and 'role="alert"' in r.text and "<html" not in r.text
    plain = people.client("coach").post("/goals/", data={"text": "x"})
    assert plain.status_code == 403 and "<html" in plain.text and "HX-Retarget" not in plain.headers
