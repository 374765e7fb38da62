"""Growth over time: the school's competencies and scale, self-assessment with evidence, versions of a work,
spoken reflections, and the slides that bring them into a conference.

It adds to other features' pages only at their extension points: the item page ("portfolio.item"), the
portfolio's head ("portfolio.links"), the editor ("presentations.editor"), the slides ("presentations.deck",
"presentations.slide", "presentations.template") and what an audience phone may fetch ("media.allow").
"""
from flask import Blueprint, Flask, render_template
from flask_babel import format_date

bp = Blueprint("growth", __name__, url_prefix="/growth")


def init_app(app: Flask) -> None:
    from .. import extend
    from . import routes, slides, versions

    versions.init_app()
    extend.add(app, "portfolio.item", routes.item_panel, scripts=("js/csrf.js", "js/voice.js"))
    extend.add(app, "portfolio.links", routes.portfolio_link)
    extend.add(app, "presentations.editor", routes.editor_panel)
    extend.add(app, "presentations.deck", slides.fill_deck)
    extend.add(app, "presentations.slide", lambda view: render_template("growth/_slide.html", view=view))
    extend.add(app, "presentations.template", slides.add_to_template)
    extend.add(app, "media.allow", slides.follower_may_see_media)
    app.jinja_env.globals.setdefault("format_date", format_date)
    app.register_blueprint(bp)
