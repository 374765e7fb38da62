"""The conference record: what a conference leaves in the student's portfolio, its page, print and download."""
from flask import Blueprint, Flask

bp = Blueprint("records", __name__)


def init_app(app: Flask) -> None:
    from .. import db
    from . import record, routes  # noqa: F401

    # the records in a student's portfolio timeline (portfolio/index.html)
    app.add_template_global(lambda student_id: record.ended_for(db.session(), student_id), "conference_records")
    app.register_blueprint(bp)
