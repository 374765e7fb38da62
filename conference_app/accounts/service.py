"""Passwords: one-time passwords after a reset, changing your own, one-time links, who may reset whom.

Hashing is CPU work (scrypt): in the gevent server it runs in gevent's thread pool (hashlib releases
the GIL), so a reset or an import never pauses the conferences sharing the event loop.
"""
from flask_babel import gettext as _
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlmodel import Session, delete, select

from ..auth.accounts import is_coach_of
from ..auth import sessions
from ..auth.passwords import check_password
from ..lanes import off_loop
from ..live.codes import ALPHABET
from ..models import PasswordToken, User, utcnow
from werkzeug.security import generate_password_hash

MIN_LENGTH = 8
LINK_DAYS = 14


class PasswordError(ValueError):
    pass


def hash_password(password: str) -> str:
    """The app's hash (auth/passwords.py's method), computed outside the event loop."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return off_loop(generate_password_hash, password, method)


def verify_password(password_hash: str, password: str) -> bool:
    return bool(password_hash) and off_loop(check_password, password_hash, password)


def one_time_password() -> str:
    """12 symbols easy to read aloud (no 0/O, 1/I/L), in groups of 4: about 59 bits."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def may_reset(actor: User, target: User, s: Session) -> bool:
    """An admin resets anyone but themself (they change their own); a coach, their own students."""
    if actor.id == target.id:
        return False
    if actor.is_admin:
        return True
    return actor.is_coach and target.is_student and is_coach_of(s, actor.id, target.id)


def reset(s: Session, target: User) -> str:
    """Give target a one-time password, to be changed at their next sign-in; their old links stop working."""
    password = one_time_password()
    target.password_hash = hash_password(password)
    target.must_change_password = True
    s.exec(delete(PasswordToken).where(PasswordToken.user_id == target.id))
    sessions.end_all(s, target.id)  # whoever was signed in as them is no longer
    s.add(target)
    s.commit()
    return password


def check_new(password: str, user: User) -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordError(_("A password needs at least %(n)s characters.", n=MIN_LENGTH))
    if password.strip().lower() in (user.username.lower(), user.display_name.strip().lower()):
        raise PasswordError(_("Choose a password that is not your name."))


def set_own(s: Session, user: User, new_password: str) -> None:
    """The user's own choice: no longer a one-time password."""
    check_new(new_password, user)
    if user.password_hash and verify_password(user.password_hash, new_password) and user.must_change_password:
        raise PasswordError(_("Choose a new password, not the one-time password you were given."))
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    s.exec(delete(PasswordToken).where(PasswordToken.user_id == user.id))
    sessions.end_all(s, user.id, but_this_browser=True)  # a new password signs out every other browser
    s.add(user)
    s.commit()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_links(s: Session, users: list[User], days: int = LINK_DAYS) -> list[tuple[User, str]]:
    """A one-time link token for each user (earlier ones withdrawn). The token is random (256 bits), so a
    plain SHA-256 of it is stored, not a slow hash: 600 links take milliseconds, not minutes."""
    ids = [u.id for u in users]
    if ids:
        s.exec(delete(PasswordToken).where(PasswordToken.user_id.in_(ids)))
    expires = utcnow() + timedelta(days=days)
    issued = []
    for user in users:
        token = secrets.token_urlsafe(32)
        s.add(PasswordToken(user_id=user.id, token_hash=_digest(token), expires_at=expires))
        issued.append((user, token))
    s.commit()
    return issued


def user_for_link(s: Session, token: str) -> User | None:
    """The active user a link is for, while it has not expired or been used."""
    if not token or len(token) > 100:
        return None
    row = s.exec(select(PasswordToken).where(PasswordToken.token_hash == _digest(token))).first()
    if row is None or row.expires_at <= utcnow():
        return None
    user = s.get(User, row.user_id)
    return user if user and user.active else None
