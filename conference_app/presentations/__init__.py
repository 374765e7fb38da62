"""Presentations: the student arranges a conference playlist from the portfolio."""
from flask import Blueprint, Flask, render_template

bp = Blueprint("presentations", __name__, url_prefix="/presentations")


def init_app(app: Flask) -> None:
    """Besides its own pages: a link from a student's portfolio to their presentations (for their coach)."""
    from flask_login import current_user

    from .. import extend
    from . import routes  # noqa: F401  (registers the views on bp)
    from .access import can_list
    from .slides import mmss

    extend.add(app, "portfolio.links", lambda owner: render_template("presentations/_portfolio_link.html", owner=owner)
               if owner.id != current_user.id and can_list(current_user, owner) else "")
    app.add_template_filter(mmss, "mmss")
    app.register_blueprint(bp)
