"""Live conferences: starting, joining by code or QR, presenting, following, ending."""
from flask import Blueprint, Flask

bp = Blueprint("live", __name__)


def init_app(app: Flask) -> None:
    from .. import media
    from . import realtime, routes  # noqa: F401
    from .access import follower_may_see_media

    media.allow(app, follower_may_see_media)
    realtime.init_app(app)
    app.register_blueprint(bp)
