"""Invitations and reminders by email, when `SMTP_URL` is set (smtp://user:pass@host:port, smtps://…,
smtp://…?starttls). The standard library's smtplib, one connection per batch; each invitation is claimed in
the database before it is sent (sent_at / reminded_at), so two runs never send one twice.

Under gevent smtplib's socket is gevent's (the server patches it), so a batch waits on the network without
holding up the conferences; the command `send-reminders` runs in its own process."""
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import update
from sqlmodel import Session, select

from ..languages import valid
from ..models import Family, Invitation, PortfolioDay, utcnow
from . import service


class MailError(Exception):
    """The email server could not be reached or refused us (nothing more was sent)."""


def configured() -> bool:
    return bool(current_app.config.get("SMTP_URL"))


def _connect():
    url = urlsplit(current_app.config["SMTP_URL"])
    options = parse_qs(url.query)
    host, timeout = url.hostname or "localhost", 30
    if url.scheme == "smtps":
        conn = smtplib.SMTP_SSL(host, url.port or 465, timeout=timeout, context=ssl.create_default_context())
    else:
        conn = smtplib.SMTP(host, url.port or 25, timeout=timeout)
        if "starttls" in options or url.scheme == "smtp+starttls":
            conn.starttls(context=ssl.create_default_context())
    if url.username:
        conn.login(unquote(url.username), unquote(url.password or ""))
    return conn


def invitation_url(invitation: Invitation, base: str | None = None) -> str:
    """The invitation's link on PUBLIC_URL (or the base given: the address the admin uses). Outside a request
    (the reminders' command) PUBLIC_URL is needed for a link phones can open."""
    from flask import has_request_context, url_for
    base = (base or current_app.config.get("PUBLIC_URL") or "http://localhost:5000").rstrip("/")
    token = service.token_of(invitation)
    return base + (url_for("days.invitation", token=token) if has_request_context() else f"/i/{token}")


def typed(invitation: Invitation, base: str | None = None) -> dict:
    """Where and what to type for a family that cannot scan: the join page's address and the spaced code."""
    from ..live import codes
    base = (base or current_app.config.get("PUBLIC_URL") or "http://localhost:5000").rstrip("/")
    return dict(join_address=base + "/join", code=codes.spaced(invitation.code).replace(" ", "\u00a0"))


def _message(s: Session, invitation: Invitation, kind: str, base: str | None) -> EmailMessage | None:
    family = s.get(Family, invitation.family_id)
    if not family.email:
        return None
    day = s.get(PortfolioDay, invitation.day_id)
    with force_locale(valid(family.language) or "en"):
        letter = service.letter(s, invitation)
        if not letter.slots:
            return None
        spaces = {sp.id: sp.name for sp in service.spaces_of(s, day)}
        context = dict(day=day, letter=letter, url=invitation_url(invitation, base), at=service.at, kind=kind,
                       spaces=spaces, **typed(invitation, base))
        msg = EmailMessage()
        msg["Subject"] = (_("Reminder: %(day)s tomorrow", day=day.name) if kind == "reminder"
                          else _("Invitation: %(day)s", day=day.name))
        msg["From"] = formataddr((_("Showcase"), current_app.config["SMTP_FROM"]))
        msg["To"] = family.email
        msg["Message-ID"] = make_msgid(domain=current_app.config["SMTP_FROM"].rpartition("@")[2] or None)
        msg.set_content(render_template("days/email.txt", **context))
        msg["Content-Language"] = family.language.replace("_", "-")  # (after set_content, which resets it)
    return msg


def _claim(s: Session, invitation_id: int, column) -> bool:
    """Mark it sent now, if nobody has: the one who claims it sends it."""
    claimed = s.execute(update(Invitation).where(Invitation.id == invitation_id, column.is_(None))
                        .values({column.key: utcnow()})).rowcount
    s.commit()
    return claimed == 1


def _send(s: Session, invitations: list[Invitation], kind: str, base: str | None) -> int:
    if not configured():
        return 0
    column = Invitation.reminded_at if kind == "reminder" else Invitation.sent_at
    messages = [(inv, m) for inv in invitations if (m := _message(s, inv, kind, base)) is not None]
    if not messages:
        return 0
    sent = 0
    try:
        conn = _connect()
    except (OSError, ValueError, smtplib.SMTPException) as e:
        current_app.logger.warning("SMTP_URL: the email server cannot be used (%s).", type(e).__name__)
        raise MailError(str(e)) from e
    with conn:
        for inv, msg in messages:
            if _claim(s, inv.id, column):
                try:
                    conn.send_message(msg)
                except smtplib.SMTPException:
                    s.execute(update(Invitation).where(Invitation.id == inv.id).values({column.key: None}))
                    s.commit()
                    current_app.logger.warning("The invitation %s could not be sent.", inv.id)
                    continue
                sent += 1
    return sent


def send_invitations(s: Session, day: PortfolioDay, base: str | None = None, again_unanswered: bool = False) -> int:
    """Email every family of the day with an address that has not had its invitation (and, when asked, send
    again to those that have not answered). The number sent."""
    if again_unanswered:
        s.execute(update(Invitation).where(Invitation.day_id == day.id, Invitation.answer == "")
                  .values(sent_at=None))
        s.commit()
    pending = list(s.exec(select(Invitation).where(Invitation.day_id == day.id, Invitation.sent_at.is_(None))))
    return _send(s, pending, "invitation", base)


def send_reminders(s: Session) -> int:
    """Tomorrow's reminders, once each (for a cron job or timer: `conference-app send-reminders`)."""
    from datetime import timedelta
    total = 0
    tomorrow = service.today() + timedelta(days=1)
    for day in s.exec(select(PortfolioDay).where(PortfolioDay.held_on == tomorrow)):
        pending = list(s.exec(select(Invitation).where(Invitation.day_id == day.id,
                                                        Invitation.reminded_at.is_(None),
                                                        Invitation.answer != "cannot")))
        total += _send(s, pending, "reminder", None)
    return total
