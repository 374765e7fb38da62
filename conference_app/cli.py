"""The `conference-app` command: `demo`, `serve`, `migrate`, `create-admin`."""
import os
import sys

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext


def init_app(app: Flask) -> None:
    app.cli.add_command(migrate_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(demo_data_command)


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
    simple-websocket). Several processes are several `serve`s on their own ports (see the README)."""
    click.echo(f"\n  Open http://{host}:{port}/ in your browser (Ctrl+C stops it).\n")
    sys.stdout.flush()
    os.execv(sys.executable, [sys.executable, "-m", "gunicorn", "conference_app.wsgi:app",
                              "--worker-class", "gevent", "--workers", "1", "--bind", f"{host}:{port}",
                              "--worker-connections", "10000",
                              # a worker whose event loop stops answering for 30 s is replaced
                              "--timeout", "30", "--graceful-timeout", "10", "--keep-alive", "5",
                              "--no-control-socket", "--log-level", "warning"])


def main() -> None:
    cli.main()
