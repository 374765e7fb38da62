"""The student's goals: their page, and adding, ticking off and removing one (htmx in place, or a page)."""
from flask_babel import gettext as _
from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from .. import access, db
from ..auth.guards import role_required
from ..extensions import htmx
from ..models import Goal, Role
from . import bp, goals
from .forms import GoalForm


def _answer(message: str = "", form: GoalForm | None = None, status: int = 200):
    """The goal box for htmx (with the form's errors when it was refused), the goals page otherwise."""
    context = dict(goals=goals.all_goals(db.session(), current_user.id), goal_form=form or GoalForm(formdata=None),
                   mine=True, message=message)
    if htmx:
        return render_template("goals/_goals.html", **context), status
    if status >= 400:
        return render_template("goals/index.html", **context), status
    if message:
        flash(message, "success")
    return redirect(url_for("goals.index"), code=303)


def _goal_or_404(goal_id: int) -> Goal:
    return access.get_or_404(Goal, goal_id, lambda goal: access.may_change_work(current_user, goal.student_id))


@bp.get("/")
@role_required(Role.STUDENT)
def index():
    return render_template("goals/index.html", goals=goals.all_goals(db.session(), current_user.id),
                           goal_form=GoalForm(formdata=None), mine=True)


@bp.post("/")
@role_required(Role.STUDENT)
def add():
    form = GoalForm()
    if not form.validate_on_submit():
        return _answer(form=form, status=422)
    goals.add(db.session(), current_user.id, form.text.data)
    return _answer(_("Goal added."))


@bp.post("/<int:goal_id>/toggle")
@role_required(Role.STUDENT)
def toggle(goal_id: int):
    goal = goals.toggle(db.session(), _goal_or_404(goal_id))
    return _answer(_("Well done!") if goal.status == "done" else _("Goal is open again."))


@bp.post("/<int:goal_id>/delete")
@role_required(Role.STUDENT)
def delete(goal_id: int):
    goals.delete(db.session(), _goal_or_404(goal_id))
    return _answer(_("Goal removed."))
