"""Live conferences: starting, joining by code or QR, presenting, following, ending."""
from flask import Blueprint, Flask

bp = Blueprint("live", __name__)


def init_app(app: Flask) -> None:
    from . import realtime, routes  # noqa: F401

    realtime.init_app(app)
    app.register_blueprint(bp)
