"""Goals: the student's goal list. A goals slide shows it; a student's agreed actions become goals."""
from flask import Blueprint, Flask

bp = Blueprint("goals", __name__, url_prefix="/goals")


def init_app(app: Flask) -> None:
    from . import routes  # noqa: F401  (registers the views on bp)

    app.register_blueprint(bp)
