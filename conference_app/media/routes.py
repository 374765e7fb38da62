from pathlib import Path

from flask import abort, current_app, send_file, session
from flask_login import current_user

from .. import db
from ..extensions import login_manager
from ..live.access import SESSION_KEY, follower_may_see_item
from ..models import ItemKind, MediaFile, PortfolioItem
from ..portfolio.access import can_view
from . import bp


def _may_see(media: MediaFile, item: PortfolioItem) -> bool:
    if can_view(current_user, item):
        return True
    # A conference follower: audience-safe work on a slide already shown; a PDF only as page images.
    if media.variant == "original" and item.kind not in (ItemKind.VIDEO, ItemKind.AUDIO):
        return False
    return item.audience_safe and follower_may_see_item(item.id)


@bp.get("/<int:file_id>")
def file(file_id: int):
    """A stored file, only for someone who may see it; video and audio answer Range requests."""
    if not current_user.is_authenticated and not session.get(SESSION_KEY):
        return login_manager.unauthorized()
    s = db.session()
    media = s.get(MediaFile, file_id)
    item = s.get(PortfolioItem, media.item_id) if media else None
    if media is None or item is None or not _may_see(media, item):
        abort(404)
    path = Path(current_app.config["MEDIA_ROOT"]) / media.path
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=media.mime, conditional=True, max_age=0,
                         download_name=f"{media.variant}{path.suffix}")
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["Content-Disposition"] = "inline"
    return response
