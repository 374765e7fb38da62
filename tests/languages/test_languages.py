"""The catalogs: up to date with the code, complete for the audience in every language and everywhere in
Spanish; and the family's choice of language, from the join page to the presenter's list."""

import pytest

from conference_app import catalogs, languages
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
    if language == "fr" and __import__("os").environ.get("DUMP_MISSED"):
        open("/tmp/l10n/missed.txt", "w").write("\n".join(sorted(missed)))
    assert sorted(missed) == []


def test_spanish_is_complete_on_every_page():
    assert catalogs.missing("es") == []
