"""Live conferences: starting, joining by code or QR, presenting, following, ending."""
from flask import Blueprint, Flask, render_template

bp = Blueprint("live", __name__)


def init_app(app: Flask) -> None:
    """Besides its own pages: who may see a media file on a phone, and "Start conference" in the editor."""
    from .. import extend
    from . import realtime, routes  # noqa: F401  (registers the views on bp)
    from .access import follower_may_see_media

    extend.add(app, "media.allow", follower_may_see_media)
    extend.add(app, "presentations.editor", lambda pres, can_edit: render_template("live/_start.html", pres=pres)
               if can_edit else "")
    realtime.init_app(app)
    app.register_blueprint(bp)
