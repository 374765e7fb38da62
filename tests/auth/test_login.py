import pytest

from tests.helpers import PASSWORD


def test_sign_in_and_out(client, make):
    student = make.student("ada")
    response = client.post("/login", data={"username": "ADA ", "password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert client.get("/").headers["Location"] == "/portfolio/"
    assert client.get("/logout").status_code == 405  # signing out is a POST (CSRF-protected)
    assert client.post("/logout").status_code == 303
    assert client.get("/portfolio/").status_code == 302
    assert student.password_hash != PASSWORD


def test_wrong_password_and_unknown_user_get_the_same_answer(client, make):
    make.student("ada")
    wrong = client.post("/login", data={"username": "ada", "password": "nope-nope"})
    unknown = client.post("/login", data={"username": "bob", "password": "nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert "do not match" in wrong.text and "do not match" in unknown.text


def test_deactivated_account_cannot_sign_in(app, client, make, login_as):
    admin, student = make.admin(), make.student("ada")
    login_as(admin).post(f"/admin/users/{student.id}/active")
    assert client.post("/login", data={"username": "ada", "password": PASSWORD}).status_code == 401


def test_next_only_follows_local_paths(client, make):
    make.student("ada")
    ok = client.post("/login?next=/portfolio/new/writing", data={"username": "ada", "password": PASSWORD})
    assert ok.headers["Location"] == "/portfolio/new/writing"
    client.post("/logout")
    evil = client.post("/login?next=//evil.example/x", data={"username": "ada", "password": PASSWORD})
    assert evil.headers["Location"] == "/"


@pytest.fixture
def limited_app(app_config):
    app_config.update(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    return app_config


def test_login_is_rate_limited(limited_app, app, make):
    make.student("ada")
    client = app.test_client()
    codes = [client.post("/login", data={"username": "ada", "password": "guess-guess"}).status_code
             for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    # the right password after the lockout: refused, but with the form and how long to wait
    locked = client.post("/login", data={"username": "ada", "password": PASSWORD})
    assert locked.status_code == 429 and 0 < int(locked.headers["Retry-After"]) <= 61
    assert 'name="password"' in locked.text and "data-countdown=" in locked.text
    assert "You can sign in again in <span" in locked.text
    # classmates behind the same school address can still sign in
    make.student("bo")
    assert client.post("/login", data={"username": "bo", "password": PASSWORD}).status_code == 303


def test_only_failed_sign_ins_count_against_the_limit(limited_app, app, make):
    """A coach signing in and out all morning is never locked out; three wrong guesses are."""
    make.student("ada")
    client = app.test_client()
    for _ in range(6):
        assert client.post("/login", data={"username": "ada", "password": PASSWORD}).status_code == 303
        client.post("/logout")
    assert client.post("/login", data={"username": "ada", "password": "guess-guess"}).status_code == 401


@pytest.mark.parametrize("target", ["//evil.example/", "/%09/evil.example/", "/\t/evil.example/", "/\\evil.example",
                                    "https://evil.example/", "/%0Ax", "/%0d%0aSet-Cookie:x=1", "javascript:alert(1)"])
def test_next_never_leaves_the_site_and_never_fails(client, make, target):
    make.student("ada")
    response = client.post(f"/login?next={target}", data={"username": "ada", "password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/"


@pytest.fixture
def csrf_app(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def test_forms_refuse_a_missing_csrf_token(csrf_app, app, make):
    student = make.student("ada")
    client = app.test_client()
    response = client.post("/login", data={"username": "ada", "password": PASSWORD})
    assert response.status_code == 400 and "expired" in response.text
    page = client.get("/login").text
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/login", data={"username": "ada", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 303
    # htmx and the upload script send the token as a header
    assert client.post("/portfolio/upload", headers={"HX-Request": "true"}).status_code == 400
    ok = client.post("/portfolio/upload", headers={"HX-Request": "true", "X-CSRFToken": token})
    assert ok.status_code == 400 and "Choose a file" in ok.text
    assert student.id
