from flask_babel import gettext as _
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import db
from ..extensions import htmx, limiter
from ..models import User
from . import bp, service
from .forms import ChangePasswordForm, NewPasswordForm

# Where someone who must choose a new password may still go.
_ALLOWED_WHILE_FORCED = {"accounts.change_password", "auth.logout", "static", "ops.healthz", "ops.readyz"}


@bp.before_app_request
def _force_change():
    """After a reset, nothing but choosing a new password (and signing out) until it is done."""
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in _ALLOWED_WHILE_FORCED and request.endpoint is not None):
        target = url_for("accounts.change_password")
        if htmx:
            return "", 204, {"HX-Redirect": target}
        return redirect(target, code=303)
    return None


def _user_key() -> str:
    return f"password/{current_user.get_id()}"


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], key_func=_user_key)
def change_password():
    """Everyone changes their own password (forced after a reset)."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        s = db.session()
        user = s.get(User, current_user.id)
        if not service.verify_password(user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("That is not your current password."))
        else:
            try:
                service.set_own(s, user, form.new_password.data)
            except service.PasswordError as e:
                form.new_password.errors.append(str(e))
            else:
                flash(_("Your new password is saved."), "success")
                return redirect(url_for("index"), code=303)
    status = 422 if form.errors else 200
    return render_template("accounts/password.html", form=form,
                           forced=current_user.must_change_password), status


@bp.post("/users/<int:user_id>/reset")
@login_required
def reset(user_id: int):
    """An admin (anyone) or a coach (their own students) gives a one-time password, shown once."""
    s = db.session()
    target = s.get(User, user_id)
    if target is None:
        abort(404)
    if not service.may_reset(current_user, target, s):
        abort(403)
    password = service.reset(s, target)
    back = url_for("admin.users") if current_user.is_admin else url_for("portfolio.students")
    return render_template("accounts/reset_done.html", person=target, password=password, back=back), 200, {
        "Cache-Control": "no-store"}


@bp.route("/welcome/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["JOIN_RATE_LIMIT"], methods=["POST"])
def welcome(token: str):
    """A one-time link (from the import's sign-in letters): choose your password, then sign in."""
    s = db.session()
    user = service.user_for_link(s, token)
    if user is None:
        return render_template("accounts/link_gone.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            service.set_own(s, user, form.new_password.data)
        except service.PasswordError as e:
            form.new_password.errors.append(str(e))
        else:
            flash(_("Your password is saved. Sign in as %(username)s.", username=user.username), "success")
            return redirect(url_for("auth.login"), code=303)
    return render_template("accounts/welcome.html", form=form, person=user), 422 if form.errors else 200
