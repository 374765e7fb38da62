"""Feedback in a live conference (phones send, presenter and coach moderate), the coach panel
(private notes, agreed actions) and the family's closing form."""
from flask import Blueprint, Flask

bp = Blueprint("feedback", __name__)


def init_app(app: Flask) -> None:
    """Besides its own routes, feedback adds to other features' pages: the phone's form and feed,
    the moderated feed on the presenter view, an item's feedback, and the closing form before thanks."""
    from .. import db, lanes
    from . import realtime, routes, service

    realtime.init_app(app)
    lanes.open(app, "POST", r"/live/[^/]+/feedback", width=2)  # a room's phones sending at once
    app.add_template_global(routes.phone_context, "feedback_for_phone")
    app.add_template_global(lambda conference: service.for_moderators(db.session(), conference),
                            "feedback_for_moderators")
    app.add_template_global(lambda item_id: service.for_item(db.session(), item_id), "feedback_about")
    app.register_blueprint(bp)
