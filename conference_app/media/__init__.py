"""Media: checking and cleaning uploads, storing their variants, serving them to who may see them."""
from flask import Blueprint, Flask

bp = Blueprint("media", __name__, url_prefix="/media")


def init_app(app: Flask) -> None:
    from . import routes  # noqa: F401

    app.register_blueprint(bp)
