"""The student's e-portfolio: adding work, browsing it, and the coach's view of their students."""
from flask import Blueprint, Flask

bp = Blueprint("portfolio", __name__, url_prefix="/portfolio")


def init_app(app: Flask) -> None:
    from flask_login import current_user

    from .. import extend, lanes
    from . import routes  # noqa: F401  (registers the views on bp)
    from .access import can_view
    from .forms import visibility_name
    from .render import markdown_html, media_url

    extend.add(app, "media.allow", lambda _file, item: can_view(current_user, item))
    # a class uploading at once: each upload's body is read and parsed (in Python, on the event loop)
    # only when a media worker is about to be free, not all twenty at the same moment
    lanes.open(app, "POST", r"/portfolio/upload", width=app.config["MEDIA_WORKERS"] + 1, parse_off_loop=True)
    app.add_template_filter(markdown_html, "markdown")
    app.add_template_global(media_url)
    app.add_template_global(visibility_name)
    app.register_blueprint(bp)
