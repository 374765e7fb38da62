"""Export (a student or their coach downloads the portfolio; the admin exports a group as a job with progress)
and purge (the admin chooses leavers, sees what will go, confirms)."""
from datetime import date

from flask import abort, after_this_request, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import select
from wtforms.fields.choices import SelectChoice

from .. import access, db
from ..answers import errors_of, fragment_or_page, refuse
from ..auth.guards import role_required
from ..models import ExportJob, Role, TutorGroup, User, utcnow
from . import bp, export, purge
from .forms import ChooseForm, ExportForm, PurgeForm


def export_link(owner: User) -> str:
    """On a student's portfolio page, for the student and their coaches."""
    if not access.may_see_work(current_user, owner.id):
        return ""
    return render_template("lifecycle/_export_link.html", owner=owner)


@bp.get("/students/<int:student_id>/export.zip")
@login_required
def download(student_id: int):
    """The whole portfolio as one ZIP, for the student or their coach (built off the event loop)."""
    s = db.session()
    student = s.get(User, student_id)
    if student is None or not student.is_student or not access.may_see_work(current_user, student.id):
        abort(404)
    path = export.student_zip(s, student, with_private=access.is_owner(current_user, student.id))
    purge.audit(s, current_user.id, "export", students=1)

    @after_this_request
    def _remove(response):
        path.unlink(missing_ok=True)  # (the open file is already being sent)
        return response

    name = f"portfolio-{export.slug(student.display_name)}-{date.today().isoformat()}.zip"
    response = send_file(path, mimetype="application/zip", as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---- the admin: choose leavers ---------------------------------------------------------------------------

def _group_choices() -> list[SelectChoice]:
    groups = db.session().exec(select(TutorGroup).order_by(TutorGroup.name))
    return [SelectChoice("left", _("Students who left")), SelectChoice("all", _("All students")),
            *[SelectChoice(str(g.id), g.name) for g in groups]]


def _listed(group: str) -> list[User]:
    q = select(User).where(User.role == Role.STUDENT)
    if group == "left":
        q = q.where(User.active.is_(False))
    elif group.isdigit():
        q = q.where(User.tutor_group_id == int(group))
    return list(db.session().exec(q.order_by(User.display_name)))


def _purge_form(people: list[User], formdata=None) -> PurgeForm:
    form = PurgeForm(formdata=formdata) if formdata is not None else PurgeForm()
    form.students.choices = [SelectChoice(u.id, u.display_name) for u in people]
    return form


@bp.get("/admin/leavers")
@role_required(Role.ADMIN)
def leavers():
    choose = ChooseForm(request.args)
    choose.group.choices = _group_choices()
    group = choose.group.data if choose.validate() else "left"
    listed = _listed(group)
    form = _purge_form(listed, formdata=None)
    form.students.data = [u.id for u in listed] if group != "all" else []
    return render_template("lifecycle/leavers.html", choose=choose, form=form, listed=listed)


@bp.post("/admin/leavers/purge")
@role_required(Role.ADMIN)
def purge_students():
    """Without `confirm`: the preview of exactly what would go. With it: the purge, and the check of the disk."""
    s = db.session()
    form = _purge_form(_listed("all"))
    if not form.validate_on_submit():
        return refuse(422, errors_of(form))
    people = purge.students(s, form.students.data)
    if current_user.id in {u.id for u in people}:
        abort(400)
    if not form.confirm.data:
        return render_template("lifecycle/preview.html", form=form, people=people, plan=purge.plan(s, people),
                               export_form=ExportForm(formdata=None))
    counted, left = purge.purge(s, people, current_user.id)
    return render_template("lifecycle/purged.html", plan=counted, left=left)


# ---- the admin: export a group as one job -------------------------------------------------------------

@bp.post("/admin/exports")
@role_required(Role.ADMIN)
def start_export():
    s = db.session()
    form = ExportForm()
    form.students.choices = [SelectChoice(u.id, u.display_name) for u in _listed("all")]
    if not form.validate_on_submit():
        return refuse(422, errors_of(form))
    job = export.start_job(s, purge.students(s, form.students.data), current_user.id)
    return redirect(url_for("lifecycle.export_job", job_id=job.id), code=303)


@bp.get("/admin/exports/<int:job_id>")
@role_required(Role.ADMIN)
def export_job(job_id: int):
    """The job's progress (htmx polls the fragment until it is ready)."""
    s = db.session()
    job = s.get(ExportJob, job_id)
    if job is None:
        abort(404)
    job = export.take_over_if_abandoned(s, job)
    return fragment_or_page("lifecycle/_job.html", "lifecycle/job.html", target="export-job", job=job)


@bp.get("/admin/exports/<int:job_id>/export.zip")
@role_required(Role.ADMIN)
def export_job_file(job_id: int):
    job = db.session().get(ExportJob, job_id)
    if job is None or job.state != "ready":
        abort(404)
    path = export.exports_root() / job.path
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype="application/zip", as_attachment=True,
                     download_name=f"portfolios-{utcnow().date().isoformat()}.zip")

