from pathlib import Path

from flask import abort, current_app, send_file
from flask_login import current_user, login_required

from .. import db
from ..models import MediaFile
from ..portfolio.access import item_or_404
from . import bp


@bp.get("/<int:file_id>")
@login_required
def file(file_id: int):
    """A stored file, only for someone who may see its item; video and audio answer Range requests."""
    media = db.session().get(MediaFile, file_id)
    if media is None:
        abort(404)
    item_or_404(media.item_id, current_user)
    path = Path(current_app.config["MEDIA_ROOT"]) / media.path
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=media.mime, conditional=True, max_age=0,
                         download_name=f"{media.variant}{path.suffix}")
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response
