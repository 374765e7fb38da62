"""Sign-ins live on the server. The session cookie carries a random token; a browser stays signed in while
its SignIn row exists and is within both lifetimes (idle and absolute, settings). Signing out, a new
password and deactivation end it on the server, so a cookie saved earlier opens nothing."""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app, session
from flask_login import login_user, logout_user
from sqlmodel import Session, delete, select, update

from .. import db
from ..models import SignIn, User, utcnow

KEY = "sign_in"
SEEN_EVERY = timedelta(minutes=1)  # how often a busy browser's last-seen time is written


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User) -> None:
    """Sign `user` in on this browser (its place in conferences joined before stays)."""
    token = secrets.token_urlsafe(32)
    s = db.session()
    s.add(SignIn(user_id=user.id, token_hash=_digest(token)))
    s.commit()
    login_user(user)
    session[KEY] = token


def signed_in(user_id: int) -> User | None:
    """The user this browser is signed in as, if its sign-in is still valid (Flask-Login's user loader)."""
    token = session.get(KEY)
    if not isinstance(token, str):
        return None
    s = db.session()
    row = s.exec(select(SignIn, User).join(User, User.id == SignIn.user_id)
                 .where(SignIn.token_hash == _digest(token))).first()
    if row is None:
        return None
    sign_in, user = row
    now = utcnow()
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    most = timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    if user.id != user_id or not user.active or now - sign_in.seen_at > idle or now - sign_in.created_at > most:
        s.delete(sign_in)
        s.commit()
        return None
    if now - sign_in.seen_at > SEEN_EVERY:
        s.exec(update(SignIn).where(SignIn.id == sign_in.id).values(seen_at=now))
        s.commit()
    return user


def end() -> None:
    """Sign this browser out: its sign-in row and everything in its session go."""
    token = session.get(KEY)
    if isinstance(token, str):
        s = db.session()
        s.exec(delete(SignIn).where(SignIn.token_hash == _digest(token)))
        s.commit()
    logout_user()
    session.clear()


def end_all(s: Session, user_id: int, *, but_this_browser: bool = False) -> None:
    """Every sign-in of a user ends (a new password, a deactivation); optionally not this browser's."""
    statement = delete(SignIn).where(SignIn.user_id == user_id)
    token = session.get(KEY) if but_this_browser else None
    if isinstance(token, str):
        statement = statement.where(SignIn.token_hash != _digest(token))
    s.exec(statement)
