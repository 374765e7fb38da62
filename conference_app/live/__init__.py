"""Live conferences: starting, joining by code or QR, presenting, following, ending.

`sockets` (connections, identity and the events clients send), `pushes` (what the server sends),
`decks` (the slides rendered once per conference, checked against the stored version), `shells` (the
pages every phone of a conference gets alike, rendered once), `views` (with several processes, the
presenter views' languages, counted in Redis), `bus` (what every process acts on) and `writer` (slide
changes stored in batches, then pushed).
"""
from flask import Blueprint, Flask, render_template

bp = Blueprint("live", __name__)


def init_app(app: Flask) -> None:
    """Besides its own pages: who may see a media file on a phone, and "Start conference" in the editor."""
    from .. import extend, lanes
    from ..portfolio.items import item_changed
    from . import decks, routes, shells, sockets  # noqa: F401  (routes: registers the views on bp)
    from .access import follower_may_see_media

    extend.add(app, "media.allow", follower_may_see_media)
    extend.add(app, "presentations.editor", lambda pres, can_edit: render_template("live/_start.html", pres=pres)
               if can_edit else "")
    decks.init_app(app)
    shells.init_app(app)
    sockets.init_app(app)
    lanes.keep_live(app, "live", "j", "join", "socket.io")  # the phones' pages and their connection
    item_changed.connect(_work_changed, sender=app)
    app.register_blueprint(bp)


def _work_changed(app: Flask, item_id: int, owner_id: int) -> None:
    """Work was edited, approved, made private or deleted: the student's open conferences render their
    slides again in every process, and phones get the current slide again at once (a withdrawn approval
    takes the work off their screens)."""
    from . import decks, pushes

    for conference_id in decks.invalidate_owner(owner_id):
        try:
            pushes.push_slide(conference_id)
        except Exception:  # (the change is stored; phones get it with the next slide)
            app.logger.exception("conference %s: slides not pushed again", conference_id)
