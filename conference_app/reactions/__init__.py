"""Reactions: phones send an emoji from a small fixed set about the slide on screen; the presenter and the
projector show them briefly, added up ("👏 ×3"), never with names; each phone is limited; the record counts
them per slide. Everything here reaches the other features' pages through extension points."""
from flask import Blueprint, Flask, render_template

bp = Blueprint("reactions", __name__)


def init_app(app: Flask) -> None:
    from .. import extend
    from ..live import shells, sockets
    from . import service

    service.init_app(app)
    sockets.on(app, "react", service.on_react)
    extend.add(app, "live.follower", lambda conference, participant: shells.page(  # the same on every phone
        ("reactions",), lambda: render_template("reactions/_buttons.html", kinds=service.KINDS)),
               scripts=("js/reactions.js",))
    for point in ("live.presenter", "live.screen"):
        extend.add(app, point, lambda conference: render_template("reactions/_strip.html"),
                   scripts=("js/reactions.js",))
    extend.add(app, "records.sections", lambda record: render_template(
        "reactions/_record.html", record=record, counts=service.counts_for(record.conference.id),
        kinds=service.KINDS))
    app.register_blueprint(bp)
