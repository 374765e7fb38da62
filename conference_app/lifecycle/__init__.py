"""The end of a student's time at the school: their portfolio exported (by them, their coach, or the admin for
a group), then everything of theirs purged, with an audit log of counts."""
from flask import Blueprint, Flask

bp = Blueprint("lifecycle", __name__)


def init_app(app: Flask) -> None:
    """Besides its own pages (extension point): the export link on a student's portfolio."""
    from .. import extend
    from . import routes

    extend.add(app, "portfolio.links", routes.export_link)
    app.register_blueprint(bp)
