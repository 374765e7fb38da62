from datetime import date

from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice
from flask import abort, flash, redirect, render_template, url_for
from sqlmodel import select

from .. import db
from ..auth.accounts import AccountError, coaches_of, create_user, set_coaches
from ..auth import sessions
from ..auth.guards import role_required
from ..models import Role, User
from . import bp
from .forms import CoachesForm, UserForm


def _people():
    s = db.session()
    users = list(s.exec(select(User).order_by(User.role, User.display_name)))
    coaches = {u.id: coaches_of(s, u.id) for u in users if u.is_student}
    return users, coaches


@bp.route("/users", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def users():
    form = UserForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = create_user(db.session(), form.username.data, form.display_name.data,
                               form.password.data, form.role.data)
        except AccountError as e:
            form.username.errors.append(str(e))
            status = 422
        else:
            flash(_("Account created for %(name)s (%(username)s).", name=user.display_name, username=user.username),
                  "success")
            return redirect(url_for("admin.users"), code=303)
    elif form.errors:
        status = 422
    users, coaches = _people()
    return render_template("admin/users.html", form=form, users=users, coaches=coaches), status


@bp.route("/users/<int:user_id>/coaches", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def student_coaches(user_id: int):
    s = db.session()
    student = s.get(User, user_id)
    if not student or not student.is_student:
        abort(404)
    form = CoachesForm()
    form.coaches.choices = [SelectChoice(c.id, c.display_name) for c in
                            s.exec(select(User).where(User.role == Role.COACH).order_by(User.display_name))]
    if form.validate_on_submit():
        set_coaches(s, student, set(form.coaches.data))
        flash(_("Coaches for %(name)s saved.", name=student.display_name), "success")
        return redirect(url_for("admin.users"), code=303)
    if not form.is_submitted():
        form.coaches.data = [c.id for c in coaches_of(s, student.id)]
    return render_template("admin/coaches.html", form=form, student=student), 422 if form.errors else 200


@bp.post("/users/<int:user_id>/active")
@role_required(Role.ADMIN)
def toggle_active(user_id: int):
    from flask_login import current_user

    s = db.session()
    user = s.get(User, user_id)
    if not user:
        abort(404)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for("admin.users"), code=303)
    user.active = not user.active
    user.left_on = None if user.active or not user.is_student else date.today()  # retention counts from here
    if not user.active:
        sessions.end_all(s, user.id)
    s.commit()
    flash(f"{user.display_name} is now {'active' if user.active else 'deactivated'}.", "success")
    return redirect(url_for("admin.users"), code=303)
