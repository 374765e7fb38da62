"""Media: checking and cleaning uploads, storing their variants, serving them to who may see them.

Who may see a file is not decided here: each feature that shows media registers a policy at the
extension point "media.allow" (`extend.add`), and the file route serves a file when any policy says yes.
The portfolio registers its owner-and-coach rule; live conferences register theirs for audience phones.
"""
from flask import Blueprint, Flask

from .. import extend, lanes

bp = Blueprint("media", __name__, url_prefix="/media")


def may_see(media, item) -> bool:
    return extend.allowed("media.allow", media, item)


def init_app(app: Flask) -> None:
    from . import routes  # noqa: F401  (registers the views on bp)

    lanes.keep_live(app, "media")  # the slides' pictures on every phone
    app.register_blueprint(bp)
