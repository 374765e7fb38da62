from pathlib import Path

from flask import abort, session
from flask_login import current_user

from .. import db
from ..answers import stored_file
from ..extensions import login_manager
from ..models import MediaFile, PortfolioItem
from . import bp, may_see


@bp.get("/<int:file_id>")
def file(file_id: int):
    """A stored file, only for someone a policy lets see it; video and audio answer Range requests."""
    s = db.session()
    media = s.get(MediaFile, file_id)
    item = s.get(PortfolioItem, media.item_id) if media else None
    if media is None or item is None or not may_see(media, item):
        if not current_user.is_authenticated and not session:
            return login_manager.unauthorized()
        abort(404)
    response = stored_file(media.path, media.mime, download_name=f"{media.variant}{Path(media.path).suffix}")
    response.headers["Content-Disposition"] = "inline"
    return response
