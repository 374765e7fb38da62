from flask_babel import gettext as _, lazy_gettext as _l
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from sqlmodel import select

from .. import db
from ..extensions import limiter, login_manager
from ..models import User
from . import bp
from .forms import LoginForm
from .passwords import check_password, hash_password

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to see that page.")
login_manager.login_message_category = "info"



@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The signed-in user; a deactivated account is signed out at its next request."""
    user = db.session().get(User, int(user_id))
    return user if user is not None and user.active else None


def _safe_next(target: str | None) -> str | None:
    """Only follow a ?next= that stays on this site."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return None


def _ip_and_username() -> str:
    """A whole school shares one address: limit guesses per account, not per building."""
    return f"{get_remote_address()}/{request.form.get('username', '').strip().lower()[:64]}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], key_func=_ip_and_username)
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT_PER_ADDRESS"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session().exec(
            select(User).where(User.username == form.username.data.strip().lower())
        ).first()
        # An unknown username is checked against a throwaway hash, so both paths cost the same.
        ok = check_password(user.password_hash if user else hash_password("-"), form.password.data)
        if user and ok and user.active:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("index"), code=303)
        form.password.errors.append(_("That username and password do not match an account."))
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"), code=303)
