"""Everything a family reads of its invitation is in its language, in each of the twelve."""
from datetime import UTC, datetime, timedelta

import pytest

from conference_app import db, languages
from conference_app.days import mail
from conference_app.models import Family, PortfolioDay
from tests.languages.helpers import untranslated

FAMILY_LANGUAGES = [code for code in languages.LANGUAGES if code != languages.DEFAULT]


@pytest.mark.parametrize("language", FAMILY_LANGUAGES)
def test_the_invitation_its_answer_and_its_emails_are_translated(app, people, login_as, monkeypatch, day_school,
                                                                 language):
    invitation = day_school.invitation(app, people.owner)
    with app.app_context():
        s = db.session()
        s.get(Family, invitation.family_id).language = language
        s.commit()
    token = day_school.token(app, people.owner)
    with untranslated(monkeypatch) as missed:
        phone = login_as(None)
        seen = [phone.get(f"/i/{token}"), phone.post(f"/i/{token}", data={}),
                phone.post(f"/i/{token}", data={"answer": "coming", "count": ""}),
                phone.post(f"/i/{token}", data={"answer": "coming", "count": "2", "who": ["parent"]},
                           follow_redirects=True),
                phone.get("/i/no-such-token")]
        with app.app_context():  # a booking day: the family chooses its time
            s = db.session()
            s.get(PortfolioDay, day_school.day_id).booking = True
            s.commit()
        seen += [phone.get(f"/i/{token}"), phone.post(f"/i/{token}/book", data={}),
                 phone.post(f"/i/{token}/book", data={"starts": "555"}),
                 phone.post(f"/i/{token}/book", data={"starts": "540"}, follow_redirects=True)]
        with app.test_request_context():
            s = db.session()
            inv = s.get(type(invitation), invitation.id)
            for kind in ("invitation", "reminder"):
                seen.append(mail._message(s, inv, kind, "http://school.example"))
        day_school.set_date(app, datetime.now(UTC).date())
        seen.append(phone.get(f"/i/{token}"))
        day_school.set_date(app, datetime.now(UTC).date() - timedelta(days=1))
        seen.append(phone.get(f"/i/{token}"))
    statuses = [r.status_code for r in seen if hasattr(r, "status_code")]
    assert statuses == [200, 422, 422, 200, 404, 200, 422, 422, 200, 200, 410]
    assert f'<html lang="{languages.html_lang(language)}"' in seen[0].text
    assert sorted(missed) == []
