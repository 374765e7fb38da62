"""Admin: accounts and which coach follows which student."""
from flask import Blueprint, Flask

bp = Blueprint("admin", __name__, url_prefix="/admin")


def init_app(app: Flask) -> None:
    from . import imports, routes  # noqa: F401  (registers the views on bp)

    app.register_blueprint(bp)
