"""The student's e-portfolio: adding work, browsing it, and the coach's view of their students."""
from flask import Blueprint, Flask

bp = Blueprint("portfolio", __name__, url_prefix="/portfolio")


def init_app(app: Flask) -> None:
    from flask_login import current_user

    from .. import extend
    from . import routes  # noqa: F401  (registers the views on bp)
    from .access import can_view
    from .render import markdown_html, media_url

    extend.add(app, "media.allow", lambda _file, item: can_view(current_user, item))
    app.add_template_filter(markdown_html, "markdown")
    app.add_template_global(media_url)
    app.register_blueprint(bp)
