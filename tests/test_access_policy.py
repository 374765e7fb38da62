"""The one rule every feature asks (conference_app/access.py), for each of the cast."""
import pytest
from werkzeug.exceptions import NotFound

from conference_app import access, db
from conference_app.models import Presentation, User
from tests.conftest import VIEWERS

SEES = {"owner", "coach"}
CHANGES = {"owner"}
COACHES = {"coach"}


@pytest.mark.parametrize("who", VIEWERS)
def test_who_may_see_and_change_a_students_work(app, people, who):
    with app.test_request_context():
        user = db.session().get(User, people[who].id) if people[who] else _anonymous(app)
        owner_id = people.owner.id
        assert access.may_see_work(user, owner_id) == (who in SEES)
        assert access.may_change_work(user, owner_id) == (who in CHANGES)
        assert access.coaches(user, owner_id) == (who in COACHES)
        assert access.is_owner(user, owner_id) == (who == "owner")


@pytest.mark.parametrize("who", VIEWERS)
def test_get_or_404_hides_what_is_not_allowed_and_what_does_not_exist(app, people, who):
    with app.test_request_context():
        s = db.session()
        pres = Presentation(owner_id=people.owner.id, title="Mine")
        s.add(pres)
        s.commit()
        user = s.get(User, people[who].id) if people[who] else _anonymous(app)

        def allowed(p):  # the policy a route passes
            return access.may_see_work(user, p.owner_id)

        if who in SEES:
            assert access.get_or_404(Presentation, pres.id, allowed).id == pres.id
        else:
            with pytest.raises(NotFound):
                access.get_or_404(Presentation, pres.id, allowed)
        with pytest.raises(NotFound):
            access.get_or_404(Presentation, pres.id + 1000, lambda _p: True)


def _anonymous(app):
    return app.login_manager.anonymous_user()
