"""The conference record: what a conference leaves in the student's portfolio, its page, print and download."""
from flask import Blueprint, Flask

bp = Blueprint("records", __name__)


def init_app(app: Flask) -> None:
    from . import routes  # noqa: F401

    app.register_blueprint(bp)
