"""Presentations: the student arranges a conference playlist from the portfolio."""
from flask import Blueprint, Flask

bp = Blueprint("presentations", __name__, url_prefix="/presentations")


def init_app(app: Flask) -> None:
    from . import routes  # noqa: F401
    from .slides import mmss

    app.add_template_filter(mmss, "mmss")
    app.register_blueprint(bp)
