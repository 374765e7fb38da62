"""Presentations: the student arranges a conference playlist from the portfolio."""
from flask import Blueprint, Flask, render_template

bp = Blueprint("presentations", __name__, url_prefix="/presentations")


def init_app(app: Flask) -> None:
    """Besides its own pages: a link from a student's portfolio to their presentations (for their coach)."""
    from flask_login import current_user

    from .. import extend
    from . import routes  # noqa: F401  (registers the views on bp)
    from .access import can_list
    from .slides import minutes, mmss, planned

    extend.add(app, "portfolio.links", lambda owner: render_template("presentations/_portfolio_link.html", owner=owner)
               if owner.id != current_user.id and can_list(current_user, owner) else "")
    extend.add(app, "portfolio.uses", _uses)
    app.add_template_filter(mmss, "mmss")
    app.add_template_filter(minutes, "minutes")
    app.add_template_filter(planned, "planned")
    app.register_blueprint(bp)


def _uses(item) -> str:
    """"2 presentations", for the item's delete dialog (deleting the item takes its slides out of them)."""
    from flask_babel import ngettext
    from sqlmodel import func, select

    from .. import db
    from ..models import Slide

    n = db.session().exec(select(func.count(Slide.presentation_id.distinct())).where(Slide.item_id == item.id)).one()
    return ngettext("%(num)d presentation", "%(num)d presentations", n) if n else ""
