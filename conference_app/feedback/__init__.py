"""Feedback in a live conference (phones send, presenter and coach moderate), the coach panel
(private notes, agreed actions) and the family's closing form."""
from flask import Blueprint, Flask

bp = Blueprint("feedback", __name__)


def init_app(app: Flask) -> None:
    from . import realtime, routes  # noqa: F401

    realtime.init_app(app)
    app.register_blueprint(bp)
