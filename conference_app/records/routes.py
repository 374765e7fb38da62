from flask_babel import gettext as _
import base64
import re
from pathlib import Path

from flask import current_app, render_template, url_for
from flask_login import current_user, login_required

from .. import clock, db
from ..answers import refuse, saved_answer
from ..feedback.service import OWNER_LABELS
from ..models import ConferenceState
from ..portfolio.access import can_view
from ..portfolio.render import media_url
from . import bp, record
from .access import may_reflect, record_or_404
from .forms import ReflectionForm


def _phone_file(view):
    """The phone-size picture of a slide's work (one page of a document), if the viewer may see it."""
    if view.item is None or not can_view(current_user, view.item):
        return None
    page = view.slide.page if view.slide.page is not None else (view.pages[0] if view.pages else None)
    for f in view.files:
        if f.variant == "phone" and f.page == page:
            return f
    return None


def _linked_image(view) -> str | None:
    f = _phone_file(view)
    return media_url([f], "phone", f.page) if f else None


def _inline_image(view) -> str | None:
    """The picture as a data: URI, so that the downloaded file needs nothing else."""
    f = _phone_file(view)
    if f is None:
        return None
    path = Path(current_app.config["MEDIA_ROOT"]) / f.path
    if not path.is_file():
        return None
    return f"data:{f.mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _context(conference, image_src):
    s = db.session()
    built = record.build(s, conference)
    return dict(record=built, conference=conference, image_src=image_src, owner_labels=OWNER_LABELS,
                may_reflect=may_reflect(conference),
                reflection_form=ReflectionForm(formdata=None, body=built.reflection.body if built.reflection else ""))


@bp.get("/conferences/<int:conference_id>/record", endpoint="record")
@login_required
def record_page(conference_id: int):
    """The record of an ended conference: for the student and their coaches; prints on A4."""
    conference = record_or_404(conference_id)
    if conference.state != ConferenceState.ENDED:
        return render_template("records/not_yet.html", conference=conference), 409
    return render_template("records/record.html", **_context(conference, _linked_image))


@bp.get("/conferences/<int:conference_id>/record.html")
@login_required
def download(conference_id: int):
    """The record as ONE self-contained HTML file: styles inline, pictures as data: URIs."""
    conference = record_or_404(conference_id)
    if conference.state != ConferenceState.ENDED:
        return render_template("records/not_yet.html", conference=conference), 409
    context = _context(conference, _inline_image)
    context["may_reflect"] = False
    html = render_template("records/download.html", **context)
    owner = context["record"].owner.display_name
    day = clock.local(conference.started_at, "%Y-%m-%d") if conference.started_at else "undated"
    name = re.sub(r"[^A-Za-z0-9]+", "-", f"conference-{owner}-{day}").strip("-").lower() + ".html"
    return current_app.response_class(html, mimetype="text/html", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"})


@bp.post("/conferences/<int:conference_id>/reflection")
@login_required
def reflect(conference_id: int):
    """The student's own reflection on the conference, added to the record (autosaved)."""
    conference = record_or_404(conference_id)
    if not may_reflect(conference):
        return refuse(403, _("Only the student writes this reflection."))
    form, page = ReflectionForm(), url_for("records.record", conference_id=conference.id) + "#reflection"
    if not form.validate_on_submit():
        return saved_answer(page, form)
    saved = record.save_reflection(db.session(), conference, form.body.data)
    return saved_answer(page, saved_at=saved.updated_at)
