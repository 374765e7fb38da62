"""The conference record: what a conference leaves in the student's portfolio, its page, print and download."""
from flask import Blueprint, Flask, render_template

bp = Blueprint("records", __name__)


def init_app(app: Flask) -> None:
    """Besides its own pages (extension points): the records in a student's portfolio, the feedback on an
    item's page, the link to the record where a conference ends; the record fixed when it ends; the records
    an item is in, in its delete dialog, and removing it from them."""
    from .. import db, extend
    from ..feedback import service
    from . import fixed, record, routes  # (routes registers the views on bp)

    extend.add(app, "portfolio.timeline", lambda owner: render_template(
        "records/_conferences.html", records=record.timeline(db.session(), owner.id)))
    extend.add(app, "portfolio.item", lambda item: render_template(
        "records/_item_feedback.html", item_feedback=service.for_item(db.session(), item.id)))
    extend.add(app, "live.ended", lambda conference: render_template("records/_record_link.html",
                                                                     conference=conference))
    extend.add(app, "live.end", lambda conference: fixed.fix(db.session(), conference))
    extend.add(app, "portfolio.uses", routes.uses)
    extend.add(app, "portfolio.delete_choices", routes.delete_choices)
    extend.add(app, "portfolio.deleting", routes.deleting)
    app.register_blueprint(bp)
