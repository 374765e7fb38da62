import base64
import re
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required

from .. import clock, db
from ..answers import errors_of, refuse, saved_answer, stored_file
from ..feedback.service import OWNER_LABELS
from ..models import ConferenceState
from ..models import RecordFile, RecordSlide
from . import bp, fixed, record
from .access import may_reflect, may_redact, record_or_404
from .forms import DeleteFromRecordsForm, RedactForm, ReflectionForm


def inline_picture(f: RecordFile) -> str:
    """The picture as a data: URI, so that a downloaded file needs nothing else."""
    path = Path(current_app.config["MEDIA_ROOT"]) / f.path
    data = path.read_bytes() if path.is_file() else b""
    return f"data:{f.mime};base64,{base64.b64encode(data).decode('ascii')}"


def _context(conference, picture_src):
    s = db.session()
    built = record.build(s, conference)
    return dict(record=built, conference=conference, picture_src=picture_src, owner_labels=OWNER_LABELS,
                may_reflect=may_reflect(conference), may_redact=may_redact(conference),
                reflection_form=ReflectionForm(formdata=None, body=built.reflection.body if built.reflection else ""))


@bp.get("/conferences/<int:conference_id>/record", endpoint="record")
@login_required
def record_page(conference_id: int):
    """The record of an ended conference: for the student and their coaches; prints on A4."""
    conference = record_or_404(conference_id)
    if conference.state != ConferenceState.ENDED:
        return render_template("records/not_yet.html", conference=conference), 409
    return render_template("records/record.html", **_context(conference, lambda f: url_for(
        "records.picture", conference_id=conference.id, file_id=f.id)))


@bp.get("/conferences/<int:conference_id>/record.html")
@login_required
def download(conference_id: int):
    """The record as ONE self-contained HTML file: styles inline, pictures as data: URIs."""
    conference = record_or_404(conference_id)
    if conference.state != ConferenceState.ENDED:
        return render_template("records/not_yet.html", conference=conference), 409
    context = _context(conference, inline_picture)
    context["may_reflect"] = context["may_redact"] = False
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


@bp.get("/conferences/<int:conference_id>/record/pictures/<int:file_id>")
@login_required
def picture(conference_id: int, file_id: int):
    conference = record_or_404(conference_id)
    s = db.session()
    f = s.get(RecordFile, file_id)
    if f is None or s.get(RecordSlide, f.record_slide_id).conference_id != conference.id:
        abort(404)
    return stored_file(f.path, f.mime)


@bp.post("/conferences/<int:conference_id>/record/slides/<int:position>/redact")
@login_required
def redact(conference_id: int, position: int):
    """A coach removes one slide's picture or text from the record, for good; who and when stay."""
    conference = record_or_404(conference_id)
    if not may_redact(conference):
        return refuse(403, _("Only the student's coach removes something from a record."))
    form = RedactForm()
    if not form.validate_on_submit():
        return refuse(400, errors_of(form))
    s = db.session()
    slide = next((sl for sl in fixed.slides_of(s, conference.id) if sl.position == position), None)
    if slide is None:
        abort(404)
    fixed.redact(s, slide, form.part.data, current_user.display_name)
    flash(_("Removed from the record."), "success")
    return redirect(url_for("records.record", conference_id=conference.id) + f"#slide-{position}-title", code=303)


# ---- an item's delete dialog (extension points of the portfolio) ----------------------------------------

def _record_count(item) -> int:
    s = db.session()
    fixed.fix_ended_of(s, item.owner_id)  # records from before copies were kept: copied now, before any change
    return len({sl.conference_id for sl in fixed.records_using(s, item.id)})


def uses(item) -> str:
    n = _record_count(item)
    return ngettext("%(num)d conference record", "%(num)d conference records", n) if n else ""


def delete_choices(item) -> str:
    n = _record_count(item)
    return render_template("records/_delete_choices.html", form=DeleteFromRecordsForm(formdata=None), count=n) \
        if n else ""


def deleting(item, user) -> None:
    """Keep the records' copy (the default), or remove the work from them too (who and when stay)."""
    form = DeleteFromRecordsForm()
    s = db.session()
    fixed.fix_ended_of(s, item.owner_id)
    if form.validate() and form.records.data == "remove":
        fixed.remove_work(s, item.id, user.display_name)
