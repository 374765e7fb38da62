"""The e-Portfolio day: the admin sets up and schedules the whole school's day, each family gets an invitation
in its language (printed or emailed, with a reminder) and answers it without an account, and on the day the
invitation's QR code leads into the student's conference."""
import click
from flask import Blueprint, Flask
from flask.cli import with_appcontext

bp = Blueprint("days", __name__)


@click.command("send-reminders")
@with_appcontext
def send_reminders_command():
    """Email tomorrow's reminders to the families (once each; for a cron job or systemd timer)."""
    from .. import db
    from . import mail

    if not mail.configured():
        click.echo("SMTP_URL is not set: no reminders sent.")
        return
    try:
        click.echo(f"{mail.send_reminders(db.session())} reminders sent.")
    except mail.MailError as e:
        raise click.ClickException(f"The email server (SMTP_URL) cannot be used: {e}") from e


def init_app(app: Flask) -> None:
    """Besides its own pages: on a conference record, the slot it was (records.record); an invitation's short
    code typed where a conference's code goes (live.unknown_code) opens the invitation."""
    from .. import extend
    from . import routes

    extend.add(app, "records.record", routes.record_slot)
    extend.add(app, "live.unknown_code", routes.code_typed)
    app.register_blueprint(bp)
    app.cli.add_command(send_reminders_command)
