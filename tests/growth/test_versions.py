"""Iterations: who may mark a version, no cycles, a deleted middle version keeps the chain, side by side."""
import pytest
from sqlmodel import select

from conference_app import db
from conference_app.growth import versions
from conference_app.models import ItemVersion, PortfolioItem
from conference_app.portfolio import items

from tests.conftest import VIEWERS


def _mark(client, item, earlier, changed="better"):
    return client.post(f"/growth/items/{item.id}/version", data={"earlier_id": earlier.id, "changed": changed})


def _chain(app, item_id):
    with app.app_context():
        s = db.session()
        return [i.title for i, _link in versions.chain(s, s.get(PortfolioItem, item_id))]


@pytest.fixture
def drafts(make, people):
    return [make.item(people.owner, title=t, visibility="shareable") for t in ("Draft", "Second draft", "Final")]


@pytest.mark.parametrize("who", VIEWERS)
def test_only_the_student_marks_a_new_version(app, people, drafts, who):
    response = _mark(people.client(who), drafts[1], drafts[0])
    assert response.status_code == {"owner": 303, "coach": 403, "anonymous": 302}.get(who, 404)
    assert _chain(app, drafts[1].id) == (["Draft", "Second draft"] if who == "owner" else ["Second draft"])
    undo = people.client(who).post(f"/growth/items/{drafts[1].id}/version/delete")
    assert undo.status_code == {"owner": 303, "coach": 403, "anonymous": 302}.get(who, 404)


def test_a_chain_has_no_cycles_and_no_branches(app, make, people, drafts):
    owner = people.client("owner")
    draft, second, final = drafts
    assert _mark(owner, second, draft).status_code == 303
    assert _mark(owner, final, second, "I fixed the ending").status_code == 303
    assert _chain(app, draft.id) == ["Draft", "Second draft", "Final"]
    assert _mark(owner, draft, final).status_code == 422  # not offered: a later version of this one
    with app.app_context():
        s = db.session()
        with pytest.raises(versions.VersionError, match="circle"):
            versions.link(s, s.get(PortfolioItem, draft.id), s.get(PortfolioItem, final.id), "")
        other = make.item(people.owner, title="Other")
        with pytest.raises(versions.VersionError, match="already has a next version"):
            versions.link(s, s.get(PortfolioItem, other.id), s.get(PortfolioItem, draft.id), "")
    assert _mark(owner, draft, draft).status_code == 422
    strangers = make.item(people.other_student, title="Not yours")
    assert _mark(owner, other, strangers).status_code == 422
    page = owner.get(f"/portfolio/items/{second.id}").text
    page = page[page.index('class="versions"'):]
    assert page.index(">Draft<") < page.index(">Second draft<") < page.index(">Final<")
    assert "I fixed the ending" in page


def test_deleting_a_middle_version_keeps_the_chain(app, people, drafts):
    owner = people.client("owner")
    draft, second, final = drafts
    _mark(owner, second, draft, "more detail")
    _mark(owner, final, second, "new ending")
    assert owner.post(f"/portfolio/items/{second.id}/delete").status_code == 303
    assert _chain(app, final.id) == ["Draft", "Final"]
    with app.app_context():
        rows = [(v.item_id, v.earlier_id) for v in db.session().exec(select(ItemVersion))]
        assert rows == [(final.id, draft.id)]
        s = db.session()
        items.remove(s, s.get(PortfolioItem, draft.id))  # the first goes: the last stands alone
        assert list(s.exec(select(ItemVersion))) == []


def test_a_coach_sees_no_private_version(app, make, people, drafts):
    owner = people.client("owner")
    secret = make.item(people.owner, title="SECRET-DRAFT", visibility="private")
    _mark(owner, secret, drafts[0])
    _mark(owner, drafts[1], secret)
    assert "SECRET-DRAFT" in owner.get(f"/portfolio/items/{drafts[1].id}").text
    page = people.client("coach").get(f"/portfolio/items/{drafts[1].id}").text
    assert "SECRET-DRAFT" not in page and ">Draft<" in page
