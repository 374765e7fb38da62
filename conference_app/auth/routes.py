from datetime import UTC, datetime

from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from sqlmodel import select

from .. import db
from ..answers import local_path
from ..extensions import limiter, login_manager
from ..models import User
from . import bp, sessions
from .forms import LoginForm
from .passwords import check_password, hash_password

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to see that page.")
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The signed-in user, while this browser's sign-in lasts on the server (see `sessions`)."""
    return sessions.signed_in(int(user_id)) if user_id.isdigit() else None


def _ip_and_username() -> str:
    """A whole school shares one address: limit guesses per account, not per building."""
    return f"{get_remote_address()}/{request.form.get('username', '').strip().lower()[:64]}"


def _a_wrong_password(response) -> bool:
    """Only failed sign-ins count against the account's limit (the eleventh right one is no guess)."""
    return response.status_code == 401


def _locked_out(limit):
    """Too many wrong passwords for this account: the form again, with how long to wait."""
    wait = max(1, limit.reset_at - int(datetime.now(UTC).timestamp()))
    return make_response(render_template("auth/login.html", form=LoginForm(), wait=wait), 429,
                         {"Retry-After": str(wait)})


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], key_func=_ip_and_username,
               deduct_when=_a_wrong_password, on_breach=_locked_out)
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
            sessions.start(user)
            return redirect(local_path(request.args.get("next")) or url_for("index"), code=303)
        form.password.errors.append(_("That username and password do not match an account."))
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    sessions.end()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"), code=303)
