"""Passwords for everyone: change your own, resets by admin and coach, one-time links; CSV import lives in admin."""
from flask import Blueprint, Flask

bp = Blueprint("accounts", __name__, url_prefix="/account")


def init_app(app: Flask) -> None:
    from . import routes  # noqa: F401  (registers the views on bp)

    app.register_blueprint(bp)
    app.add_template_global(tutor_group_names)


def tutor_group_names() -> dict[int, str]:
    """For the admin and coach pages: every tutor group's name by id (one query)."""
    from sqlmodel import select

    from .. import db
    from ..models import TutorGroup

    return dict(db.session().exec(select(TutorGroup.id, TutorGroup.name)).all())
