"""The join page and the follower page, rendered once for every phone of a conference (`live/shells.py`).

A shared page must be exactly the page a fresh rendering gives that phone: its own CSRF token (the join
works with it), its own name (escaped), its own panels; and it is not shared with a signed-in coach or
a phone with a message waiting.
"""
import re

import pytest

from conference_app import create_app, db
from conference_app.live import shells
from conference_app.models import Participant
from sqlmodel import select

NASTY = 'Zoë <b>"&"</b> \'x\''


@pytest.fixture
def csrf_app(app, app_config):
    """The app with CSRF checks on (the tests' default is off), on the same database."""
    csrf_app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    yield csrf_app
    csrf_app.extensions["db_engine"].dispose()


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def _join(client, code: str, name: str):
    page = client.get(f"/j/{code}")
    assert page.status_code == 200
    return client.post(f"/j/{code}", data={"csrf_token": _token(page.text), "name": name, "role": "family"})


def _without_random_parts(html: str) -> str:
    """The page with what differs by design between two renderings blanked: CSRF tokens (timestamped) and
    the feedback form's fresh key."""
    html = re.sub(r'(name="csrf-token" content=")[^"]+', r"\1", html)
    html = re.sub(r'("X-CSRFToken": ")[^"]+', r"\1", html)
    html = re.sub(r'(name="csrf_token" type="hidden" value=")[^"]+', r"\1", html)
    return re.sub(r'(name="client_key" type="hidden" value=")[^"]+', r"\1", html)


def test_phones_joining_together_share_one_rendering_of_each_page_and_each_joins_with_its_own_token(csrf_app, school):
    shells_ = csrf_app.extensions["live_shells"]
    code, tokens = school.conference.code, set()
    for n in range(8):
        client = csrf_app.test_client()
        page = client.get(f"/j/{code}")
        tokens.add(_token(page.text))
        answer = client.post(f"/j/{code}", data={"csrf_token": _token(page.text), "name": f"Phone {n}",
                                                  "role": "family"})
        assert answer.status_code == 200 and 'data-live="follower"' in answer.text
        assert _token(answer.text) != shells.CSRF and "\x00" not in answer.text
    assert len(tokens) == 8  # every phone its own token
    assert shells_.renders == 4  # the join page, the follower page, its feedback panel and reactions: once each
    with csrf_app.app_context():
        names = db.session().exec(select(Participant.display_name)
                                  .where(Participant.conference_id == school.conference.id)).all()
    assert sorted(names) == [f"Phone {n}" for n in range(8)]


def test_a_token_from_another_phones_page_is_refused(csrf_app, school):
    code = school.conference.code
    first, second = csrf_app.test_client(), csrf_app.test_client()
    token = _token(first.get(f"/j/{code}").text)
    second.get(f"/j/{code}")
    answer = second.post(f"/j/{code}", data={"csrf_token": token, "name": "Someone", "role": "family"})
    assert answer.status_code == 400


@pytest.mark.parametrize("live", [True, False], ids=["live", "lobby"])
def test_a_shared_page_is_the_page_a_fresh_rendering_gives(csrf_app, make, people, monkeypatch, live):
    """Shell and fresh rendering, compared byte for byte (apart from tokens): the lobby's welcome has the
    phone's name in it, escaped."""
    school = make.school(people, live=live)
    code = school.conference.code
    client = csrf_app.test_client()
    shared_join = client.get(f"/j/{code}").text
    shared_follow = _join(client, code, NASTY).text
    shared_again = client.get(f"/live/{code}").text
    monkeypatch.setattr(shells, "shareable", lambda: False)
    fresh_join = csrf_app.test_client().get(f"/j/{code}").text
    fresh_follow = client.get(f"/live/{code}").text
    assert _without_random_parts(shared_join) == _without_random_parts(fresh_join)
    assert _without_random_parts(shared_again) == _without_random_parts(fresh_follow)
    if not live:
        assert "Zoë &lt;b&gt;&#34;&amp;&#34;&lt;/b&gt; &#39;x&#39;" in shared_follow
    assert NASTY not in shared_follow


def test_a_signed_in_coach_gets_a_page_of_their_own(app, school, login_as):
    app.test_client().get(f"/j/{school.conference.code}")  # a family's phone first: the shell is made
    page = login_as(school.people.coach).get(f"/j/{school.conference.code}")
    assert page.status_code == 200 and "You will join as their coach" in page.text
    stranger = app.test_client().get(f"/j/{school.conference.code}")
    assert "You will join as their coach" not in stranger.text  # nor does the next phone get the coach's page
