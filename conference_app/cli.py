"""The `conference-app` command: `demo`, `serve`, `migrate`, `create-admin`, `reset-password`,
`backup`, `restore`, `purge`."""
import os
import sys

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext


def init_app(app: Flask) -> None:
    app.cli.add_command(migrate_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(reset_password_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(purge_command)
    app.cli.add_command(translations_command)


@click.command("translations")
@click.option("--check", is_flag=True, help="Only say whether the catalogs are up to date (exit 1 if not).")
def translations_command(check):
    """Extract the strings to translate, update every language's catalog, compile them."""
    from . import catalogs

    if check:
        found = catalogs.problems()
        for line in found:
            click.echo(line, err=True)
        sys.exit(1 if found else 0)
    for path in catalogs.update():
        click.echo(f"written {path}")
    for language in catalogs.LANGUAGES[1:]:
        click.echo(f"{language}: {len(catalogs.missing(language))} strings not translated yet")


@click.command("migrate")
@with_appcontext
def migrate_command():
    """Apply the database migrations."""
    from flask import current_app

    from . import db

    db.upgrade(current_app)
    click.echo("Database is up to date.")


@click.command("create-admin")
@click.argument("username")
@click.option("--name", default="School admin", help="Display name.")
@click.password_option()
@with_appcontext
def create_admin_command(username, name, password):
    """Create the first admin account."""
    from . import db
    from .auth.accounts import AccountError, create_user

    try:
        create_user(db.session(), username, name, password, "admin")
    except AccountError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"Admin {username} created.")


@click.command("reset-password")
@click.argument("username")
@with_appcontext
def reset_password_command(username):
    """Give USERNAME a one-time password (printed), to be changed at their next sign-in."""
    from sqlmodel import select

    from . import db
    from .accounts.service import reset
    from .models import User

    s = db.session()
    user = s.exec(select(User).where(User.username == username.strip().lower())).first()
    if user is None:
        raise click.ClickException(f"There is no account {username!r}.")
    password = reset(s, user)
    click.echo(f"One-time password for {user.display_name} ({user.username}): {password}")
    if not user.active:
        click.echo("Note: this account is deactivated; reactivate it on the People page to let them sign in.")


@click.command("backup")
@click.argument("dest", type=click.Path())
@click.option("--keep", type=int, default=None, help="Then delete all but the newest KEEP archives in DEST.")
@with_appcontext
def backup_command(dest, keep):
    """Write one archive (database snapshot + media) into the directory DEST (or to DEST.tar.gz)."""
    from pathlib import Path

    from flask import current_app

    from .backup import BackupError, backup

    try:
        archive, manifest = backup(current_app, Path(dest), keep)
    except BackupError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"Backup written: {archive} ({manifest['database']} database, {manifest['media_files']} media files)")


@click.command("restore")
@click.argument("archive", type=click.Path())
@with_appcontext
def restore_command(archive):
    """Restore ARCHIVE (from `backup`) into this empty instance (DATABASE_URL, MEDIA_ROOT)."""
    from pathlib import Path

    from flask import current_app

    from .backup import BackupError, restore

    try:
        manifest = restore(current_app, Path(archive))
    except BackupError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"Restored the backup of {manifest['created']} ({manifest['media_files']} media files).")
    if manifest["erased_again"]:
        click.echo(f"Erased again: {manifest['erased_again']} students purged after this backup was made "
                   "(the erasure register).")


@click.command("demo-data")
@with_appcontext
def demo_data_command():
    """Fill an empty database with the demo school."""
    from flask import current_app

    from .demo import build_demo_school

    for line in build_demo_school(current_app):
        click.echo(line)


def _create_app_for_cli(*_args):
    from . import create_app

    return create_app()


cli = FlaskGroup(create_app=_create_app_for_cli, add_default_commands=True, add_version_option=False,
                 help="Live student-led conferences from a student's e-portfolio.")


@cli.command("demo")
@click.option("--host", default=os.environ.get("HOST", "127.0.0.1"))
@click.option("--port", default=int(os.environ.get("PORT", "5000")), type=int)
def demo_command(host, port):
    """Migrate, build the demo school (first run only) and serve it."""
    from flask import current_app

    from . import db
    from .demo import build_demo_school

    app = current_app._get_current_object()
    db.upgrade(app)
    for line in build_demo_school(app):
        click.echo(line)
    _serve(app, host, port)


@cli.command("serve")
@click.option("--host", default=os.environ.get("HOST", "127.0.0.1"))
@click.option("--port", default=int(os.environ.get("PORT", "5000")), type=int)
def serve_command(host, port):
    """Migrate and serve with gevent (the production server)."""
    from flask import current_app

    from . import db

    app = current_app._get_current_object()
    db.upgrade(app)
    _serve(app, host, port)


def _serve(app: Flask, host: str, port: int) -> None:
    """Replace this process with gunicorn serving the app: one gevent worker, which serves every
    conference from one event loop (WebSockets through python-engineio's gevent driver and
    simple-websocket). Several processes are several `serve`s on their own ports (see the README).

    Before that, it says which addresses phones can use; the worker's app (wsgi.py) learns where it
    listens from CONFERENCE_LISTEN, for join links on the LAN address rather than loopback."""
    from .network import is_loopback, phone_urls

    local = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    click.echo(f"\n  Open http://{local}:{port}/ in your browser (Ctrl+C stops it).", err=True)
    if app.config.get("PUBLIC_URL"):
        click.echo(f"  Phones use {app.config['PUBLIC_URL']} (PUBLIC_URL).\n", err=True)
    elif urls := phone_urls(host, port):
        click.echo("  Phones on the same network open: " + "  ".join(urls) + "\n", err=True)
    elif is_loopback(host):
        click.echo(f"  Phones cannot reach {host}: it is this computer only. To let phones on the school\n"
                   f"  network join, start with --host 0.0.0.0 (or set PUBLIC_URL behind a proxy).\n", err=True)
    os.environ["CONFERENCE_LISTEN"] = f"{host}:{port}"
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-m", "gunicorn", "conference_app.wsgi:app",
                              "--worker-class", "gevent", "--workers", "1", "--bind", f"{host}:{port}",
                              "--worker-connections", "10000",
                              # a worker whose event loop stops answering for 30 s is replaced
                              "--timeout", "30", "--graceful-timeout", "10", "--keep-alive", "5",
                              "--no-control-socket", "--log-level", "warning"])


def main() -> None:
    cli.main()


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Only print what would be deleted.")
@click.option("--years", type=int, default=None, help="Override RETAIN_YEARS_AFTER_LEAVING.")
@click.option("--yes", is_flag=True, help="Delete without asking.")
@with_appcontext
def purge_command(dry_run, years, yes):
    """Delete the students who left more than RETAIN_YEARS_AFTER_LEAVING years ago, with all their data."""
    from datetime import date

    from flask import current_app

    from . import db
    from .lifecycle import purge

    years = current_app.config["RETAIN_YEARS_AFTER_LEAVING"] if years is None else years
    today = date.today()
    try:
        cutoff = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - years, day=28)
    s = db.session()
    people = purge.leavers_before(s, cutoff)
    plan = purge.plan(s, people)
    click.echo(f"Students who left on or before {cutoff.isoformat()} (kept {years} years after leaving): "
               f"{plan.students}")
    for name, value in plan.counts().items():
        if name != "students":
            click.echo(f"  {name}: {value}")
    if dry_run or not people:
        click.echo("Nothing deleted." if people else "Nothing to delete.")
        return
    if not yes and not click.confirm("Delete all of it for good?"):
        raise click.ClickException("Nothing deleted.")
    _counted, left = purge.purge(s, people, None, action="purge (retention)")
    if left:
        raise click.ClickException("Could not remove from the media folder: " + ", ".join(left))
    click.echo(f"Deleted {plan.students} students and everything of theirs; nothing of theirs is left on disk.")
