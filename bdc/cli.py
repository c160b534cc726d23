"""The ``bdc`` command: init-db, demo, create-user, serve, and Flask-Migrate's ``db``."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import func, select

from bdc import create_app
from bdc.models import ROLES, User


@click.group(
    cls=FlaskGroup, create_app=create_app, add_default_commands=False, add_version_option=False
)
def main() -> None:
    """bdc: offline-first behavioral data collection for ABA and FBA work."""


def _fail(message: str) -> None:
    raise click.ClickException(message)


@main.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create the database (SQLite file by default) and apply every migration."""
    from flask_migrate import upgrade

    Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)
    upgrade()
    click.echo(f"Database ready: {_safe_url()}")


def _safe_url() -> str:
    from sqlalchemy.engine import make_url

    return make_url(current_app.config["DATABASE_URL"]).render_as_string(hide_password=True)


@main.command("create-user")
@click.option("--username", required=True)
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--display-name", default="")
@click.password_option(help="At least 10 characters; asked for when not given.")
@with_appcontext
def create_user(username: str, role: str, display_name: str, password: str) -> None:
    """Create a staff account."""
    from bdc.extensions import db
    from bdc.services.accounts import create_user as create

    if len(password) < 10:
        _fail("The password needs at least 10 characters.")
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        _fail(f"The username {username!r} is taken.")
    create(username=username, password=password, role=role, display_name=display_name)
    db.session.commit()
    click.echo(f"Created {role} {username!r}.")


@main.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
@with_appcontext
def demo(if_empty: bool) -> None:
    """Load a demo caseload: staff, clients, targets, eight weeks of sessions."""
    from bdc.demo import load_demo
    from bdc.extensions import db

    if db.session.scalar(select(func.count()).select_from(User)):
        if if_empty:
            click.echo("The database already has data; demo not loaded.")
            _print_logins()
            return
        _fail("The database already has data; use a fresh database for the demo.")
    with click.progressbar(length=100, label="Loading demo caseload") as bar:
        summary = load_demo(progress=lambda done, total: bar.update(done * 100 // total - bar.pos))
    db.session.commit()
    click.echo(
        f"Loaded {summary.clients} clients, {summary.targets} targets, "
        f"{summary.sessions} sessions, {summary.events} events."
    )
    _print_logins()


def _print_logins() -> None:
    from bdc.demo import DEMO_PASSWORD, DEMO_USERS

    click.echo("Demo logins (password for all: " + DEMO_PASSWORD + "):")
    for username, role, _name in DEMO_USERS:
        click.echo(f"  {username:<12} {role}")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, workers: int) -> None:
    """Serve the API and the PWA with gunicorn."""
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which(
        "gunicorn"
    )
    if gunicorn is None:
        _fail("gunicorn is not installed; run `make run` or `pip install gunicorn`.")
    click.echo(f"bdc is at http://{host}:{port}/  (Ctrl+C stops it)")
    os.execv(
        gunicorn,
        [
            gunicorn,
            "--workers",
            str(workers),
            "--bind",
            f"{host}:{port}",
            "--access-logfile",
            "-",
            "bdc:create_app()",
        ],
    )


@main.group("protocols")
def protocols() -> None:
    """The protocol library (protocols/): measurement procedures, plan templates, IOA."""


@protocols.command("check")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The library folder (default: $BDC_PROTOCOLS_DIR or the repository's protocols/).",
)
@click.pass_context
def protocols_check(ctx: click.Context, root: Path | None) -> None:
    """Validate every protocol, the lock of published versions and version numbering.

    Prints each problem and exits 1 when there is any; prints "N protocols OK" otherwise.
    """
    from bdc.protocols import check_library, load_library

    problems = check_library(root)
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        ctx.exit(1)
    click.echo(f"{len(load_library(root))} protocols OK")
