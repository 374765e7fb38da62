"""The student's e-portfolio: adding work, browsing it, and the coach's view of their students."""
from flask import Blueprint, Flask

bp = Blueprint("portfolio", __name__, url_prefix="/portfolio")


def init_app(app: Flask) -> None:
    from . import routes  # noqa: F401
    from .render import markdown_html, media_url

    app.add_template_filter(markdown_html, "markdown")
    app.add_template_global(media_url)
    app.register_blueprint(bp)
