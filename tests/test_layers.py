"""Features stay in their rooms: a feature names only itself and lower layers, in Python and in templates;
what a higher feature adds to a lower one's page goes through a named extension point (conference_app.extend)."""
import re
from pathlib import Path

import pytest
from flask import render_template_string

from conference_app import extend

ROOT = Path(__file__).resolve().parents[1]
# Lowest first. Shared (any layer may name them): the app itself, extensions, db, models, access, extend,
# errors, and the base templates and macros.
LAYERS = ["auth", "media", "portfolio", "goals", "presentations", "live", "growth", "feedback", "records", "links",
          "lifecycle", "reactions", "days", "admin"]
PY_NAMES = re.compile(r"from \.\.(\w+)|from conference_app\.(\w+)|import conference_app\.(\w+)"
                      r"|from (?:\.\.|conference_app) import \(?([\w, ]+)")
TEMPLATE_NAMES = re.compile(r"""url_for\(['"](\w+)\.|(?:include|import|extends|from) ['"](\w+)/""")


def _named(text: str, pattern: re.Pattern) -> set[str]:
    groups = (next(g for g in m.groups() if g) for m in pattern.finditer(text))
    return {name.strip() for g in groups for name in g.split(",")} & set(LAYERS)


@pytest.mark.parametrize("feature", LAYERS)
def test_a_feature_names_no_higher_layer(feature):
    allowed = set(LAYERS[:LAYERS.index(feature) + 1])
    python = list((ROOT / "conference_app" / feature).rglob("*.py"))
    templates = list((ROOT / "templates" / feature).rglob("*.html"))
    assert python and templates or feature == "media"
    wrong = {str(p.relative_to(ROOT)): sorted(_named(p.read_text(), PY_NAMES) - allowed) for p in python}
    wrong |= {str(p.relative_to(ROOT)): sorted(_named(p.read_text(), TEMPLATE_NAMES) - allowed) for p in templates}
    assert not {path: names for path, names in wrong.items() if names}


def test_an_unknown_point_is_refused_and_an_empty_one_adds_nothing(app):
    with pytest.raises(KeyError, match="No extension point 'live.folower'"):
        extend.add(app, "live.folower", lambda **_: "x")
    app.extensions["extension_points"].pop("portfolio.links")
    app.extensions["extension_points"].pop("live.before_thanks")
    with app.test_request_context():
        assert render_template_string('[{{ extension("portfolio.links", owner=None) }}]') == "[]"
        assert extend.first("live.before_thanks", None, None) is None
        assert extend.scripts("portfolio.links") == []


def test_contributions_render_in_order_with_their_scripts_once(app):
    app.extensions["extension_points"].pop("live.presenter", None)
    extend.add(app, "live.presenter", lambda conference: f"<b>{conference}</b>", scripts=("js/a.js",))
    extend.add(app, "live.presenter", lambda conference: "<i>2</i>", scripts=("js/a.js", "js/b.js"))
    with app.test_request_context():
        assert render_template_string('{{ extension("live.presenter", conference=1) }}') == "<b>1</b><i>2</i>"
        assert extend.scripts("live.presenter") == ["js/a.js", "js/b.js"]
