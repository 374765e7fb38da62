"""Feedback in a live conference (phones send, presenter and coach moderate), the coach panel
(private notes, agreed actions) and the family's closing form."""
from flask import Blueprint, Flask

bp = Blueprint("feedback", __name__)


def init_app(app: Flask) -> None:
    """Besides its own routes, feedback adds to live's pages (extension points): the phone's form and feed,
    the moderated feed on the presenter view, and the closing form before the thank-you page."""
    from .. import extend, lanes
    from . import realtime, routes

    realtime.init_app(app)
    lanes.open(app, "POST", r"/live/[^/]+/feedback", width=2)  # a room's phones sending at once
    extend.add(app, "live.follower", routes.phone_panel, scripts=("js/feedback.js",))
    extend.add(app, "live.presenter", routes.moderation_panel, scripts=("js/feedback.js",))
    extend.add(app, "live.before_thanks", routes.closing_form_before_thanks)
    app.register_blueprint(bp)
