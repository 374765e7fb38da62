"""The catalogs: up to date with the code, complete for the audience in every language and everywhere in
Spanish; and the family's choice of language, from the join page to the presenter's list."""
import re

import pytest
from sqlmodel import select

from conference_app import catalogs, db, languages
from conference_app.live import conferences, pushes
from conference_app.models import Conference, Feedback, Participant
from tests.languages.helpers import audience_way, untranslated

FAMILY_LANGUAGES = [code for code in languages.LANGUAGES if code != languages.DEFAULT]


def test_the_catalogs_are_up_to_date_with_the_code():
    """CI fails when a string was added or changed without `conference-app translations` (README)."""
    assert catalogs.problems() == []


def test_twelve_languages_besides_english_with_arabic_and_urdu_right_to_left():
    assert set(FAMILY_LANGUAGES) == {"ar", "bn", "zh_Hans", "fr", "pl", "pt", "pa", "ro", "so", "es", "uk", "ur"}
    assert languages.RIGHT_TO_LEFT == {"ar", "ur"}


@pytest.mark.parametrize("language", FAMILY_LANGUAGES)
def test_everything_the_audience_reads_is_translated(app, make, people, login_as, monkeypatch, language):
    with untranslated(monkeypatch) as missed:
        responses = audience_way(app, make, people, login_as, language)
    assert [r.status_code for r in responses if hasattr(r, "request") and r.status_code >= 500] == []
    assert sorted(missed) == []


def test_spanish_is_complete_on_every_page():
    assert catalogs.missing("es") == []


def _participant(app, name):
    with app.app_context():
        return db.session().exec(select(Participant).where(Participant.display_name == name)).one()


def test_the_join_page_starts_at_the_browsers_language_and_the_choice_stays_with_the_participant(
        app, make, people, login_as, school):
    code = school.conference.code
    phone = login_as(None)
    page = phone.get(f"/j/{code}", headers={"Accept-Language": "ar-EG,ar;q=0.9,en;q=0.5"}).text
    assert '<html lang="ar" dir="rtl"' in page
    assert re.search(r'<option value="ar" lang="ar" selected>العربية</option>', page)
    assert '<option value="zh_Hans" lang="zh-Hans">中文 (简体)</option>' in page  # each in its own name
    phone.post(f"/j/{code}", data={"name": "Gran", "role": "family"}, headers={"Accept-Language": "ar"})
    assert _participant(app, "Gran").language == "ar"
    # mid-conference, the follower page's menu: the page in Polish, and the participant moves too
    follower = phone.get(f"/live/{code}?lang=pl").text
    assert '<html lang="pl" dir="ltr"' in follower and "Konferencja: Amara" in follower
    assert _participant(app, "Gran").language == "pl"
    assert '<html lang="pl"' in phone.get(f"/live/{code}").text  # kept for the pages that follow


def test_a_browser_chooses_only_its_own_language(app, school, login_as):
    code = school.conference.code
    gran = login_as(None)
    gran.post(f"/j/{code}", data={"name": "Gran", "role": "family"}, headers={"Accept-Language": "so"})
    stranger = login_as(None)
    assert stranger.get(f"/live/{code}?lang=uk").status_code == 302  # not a participant: sent to the join page
    assert _participant(app, "Gran").language == "so"


def test_feedback_carries_its_language_and_the_presenter_sees_it(app, school, people, login_as):
    code, cid = school.conference.code, school.conference.id
    gran = login_as(None)
    gran.post(f"/j/{code}?lang=ur", data={"name": "Gran", "role": "family"})
    gran.post(f"/live/{code}/feedback", data={"kind": "praise", "body": "بہت خوب", "client_key": "u" * 16})
    with app.app_context():
        assert db.session().exec(select(Feedback)).one().language == "ur"
    presenter = people.client("owner").get(f"/conferences/{cid}/present").text
    assert 'data-language="ur">Urdu<' in presenter  # the list of who is here, and the feedback's language
    assert 'lang="ur" dir="auto">بہت خوب<' in presenter
    assert 'data-language="ur">Urdu</span>' in people.client("owner").get(f"/conferences/{cid}/participants").text


def test_a_slide_change_reaches_each_phone_in_its_language(app, school, login_as, monkeypatch):
    """One rendering per language someone is connected in (the language rooms, in one process); a language
    nobody reads any more (its phone left) is not rendered."""
    code, cid = school.conference.code, school.conference.id
    manager = app.extensions["socketio"].server.manager
    sids = {}
    for name, language in (("Gran", "ar"), ("Dad", "pl"), ("Mum", "pl")):
        login_as(None).post(f"/j/{code}?lang={language}", data={"name": name, "role": "family"})
        sids[name] = manager.connect(f"eio-{name}", "/")  # the phone's connection, in its language's room
        manager.enter_room(sids[name], "/", pushes.in_language(pushes.audience_room(cid), language))
    sent = []
    monkeypatch.setattr(pushes, "emit", lambda event, data, to: sent.append((event, data, to)))
    with app.app_context():
        pushes.push_slide(cid)
    slides = {to: data["html"] for event, data, to in sent if event == "slide"}
    assert set(slides) == {f"conference:{cid}:ar", f"conference:{cid}:pl"}  # one rendering per language
    assert "1 من 5" in slides[f"conference:{cid}:ar"] and "1 z 5" in slides[f"conference:{cid}:pl"]
    manager.basic_disconnect(sids["Gran"], "/")
    with app.app_context():
        assert pushes.audience_languages(cid) == {"pl"}


def test_with_a_message_queue_the_languages_are_those_stored_on_the_participants(app, school, login_as):
    """Phones connected to another process are not in this one's rooms: the stored languages decide."""
    code, cid = school.conference.code, school.conference.id
    for name, language in (("Gran", "ar"), ("Dad", "pl")):
        login_as(None).post(f"/j/{code}?lang={language}", data={"name": name, "role": "family"})
    app.config["SOCKETIO_MESSAGE_QUEUE"] = "redis://127.0.0.1:6379/0"  # (read per push; no server is started)
    with app.app_context():
        assert pushes.audience_languages(cid) == {"ar", "pl"}
        s = db.session()
        conferences.remove(s, s.get(Conference, cid), _participant(app, "Gran").id)
        assert pushes.audience_languages(cid) == {"pl"}


def test_names_in_right_to_left_sentences_keep_their_own_direction(app, lobby_school, login_as):
    """A Latin name in an Arabic sentence is isolated (`<bdi>`), so that it keeps its own direction; it is
    still escaped."""
    code = lobby_school.conference.code
    phone = login_as(None)
    join = phone.get(f"/j/{code}", headers={"Accept-Language": "ar"}).text
    assert '<html lang="ar" dir="rtl"' in join
    assert re.search(r"<h1>[^<]*<bdi>Amara</bdi>[^<]*</h1>", join)
    phone.post(f"/j/{code}", data={"name": "Gran <b>J.</b>", "role": "family"}, headers={"Accept-Language": "ar"})
    waiting = phone.get(f"/live/{code}").text
    assert "<bdi>Gran &lt;b&gt;J.&lt;/b&gt;</bdi>" in waiting  # the welcome, escaped inside its isolate
    assert "<b>J.</b>" not in waiting
    assert re.search(r'class="follow-bar__title">[^<]*<bdi>Amara</bdi>', waiting)
