"""Media: checking and cleaning uploads, storing their variants, serving them to who may see them.

Who may see a file is not decided here: each feature that shows media registers a policy with
`allow(app, policy)`, and the file route serves a file when any policy says yes. The portfolio
registers its owner-and-coach rule; live conferences register theirs for audience phones.
"""
from collections.abc import Callable

from flask import Blueprint, Flask, current_app

bp = Blueprint("media", __name__, url_prefix="/media")

Policy = Callable[["MediaFile", "PortfolioItem"], bool]  # noqa: F821


def allow(app: Flask, policy: Policy) -> None:
    app.extensions.setdefault("media_policies", []).append(policy)


def may_see(media, item) -> bool:
    return any(policy(media, item) for policy in current_app.extensions.get("media_policies", []))


def init_app(app: Flask) -> None:
    from . import routes  # noqa: F401

    app.register_blueprint(bp)
