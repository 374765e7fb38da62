"""Private links: a family's copy of a conference, and a selection of work for an outside reader (a moderator,
a college, an employer). One mechanism: expiring, withdrawable, read-only, each opening logged."""
from flask import Blueprint, Flask

bp = Blueprint("links", __name__)


def init_app(app: Flask) -> None:
    """Besides its own pages (extension points): the offer on a family's thank-you page, the family copies on
    the record's page, the way to the shared links from a student's portfolio."""
    from .. import extend
    from . import routes

    extend.add(app, "live.thanks", routes.offer)
    extend.add(app, "records.record", routes.family_links_of)
    extend.add(app, "portfolio.links", routes.portfolio_link)
    app.register_blueprint(bp)
