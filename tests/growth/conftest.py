"""A framework of two competencies and the owner's work, for the growth tests."""
from dataclasses import dataclass

import pytest

from conference_app import db
from conference_app.growth import framework
from conference_app.models import Competency, PortfolioItem, ScaleStep


@dataclass
class Growth:
    talking: Competency
    thinking: Competency
    steps: list[ScaleStep]
    shared: PortfolioItem
    private: PortfolioItem


@pytest.fixture
def growth(app, make, people) -> Growth:
    with app.app_context():
        s = db.session()
        talking = framework.put(s, "Communication", "Communicating", "I can share my ideas.")
        thinking = framework.put(s, "Thinking", "Critical thinking", "I can question my work.")
        s.commit()
        steps = framework.scale(s)
        for x in (talking, thinking, *steps):
            s.refresh(x)
            s.expunge(x)
    shared = make.item(people.owner, title="Shared essay", visibility="shareable")
    private = make.item(people.owner, title="SECRET-DIARY", visibility="private")
    return Growth(talking, thinking, steps, shared, private)


def assess(client, item_id, competency_id, step_id, why="", **kw):
    return client.post(f"/growth/items/{item_id}/assess",
                       data={"competency_id": competency_id, "step_id": step_id, "why": why}, **kw)
