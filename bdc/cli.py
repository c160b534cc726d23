"""The ``bdc`` command: init-db, demo, create-user, serve, backup, restore, recompute-values,
check-values, report, protocols, and the ``db`` (Flask-Migrate) and ``openapi`` (flask-smorest)
groups."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext
from sqlalchemy import func, select

from bdc import create_app
from bdc.config import ConfigError
from bdc.models import ROLES, User


def _create_app():
    """The app a command runs in; a configuration mistake is one line, never a traceback."""
    try:
        return create_app()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


class BdcGroup(FlaskGroup):
    """Flask's command group with bdc's options only (no --app, --env-file or --debug)."""

    FLASK_OPTIONS = frozenset({"env_file", "app", "debug"})

    def __init__(self, **extra):
        super().__init__(
            create_app=_create_app,
            add_default_commands=False,
            add_version_option=False,
            load_dotenv=False,
            set_debug_flag=False,
            **extra,
        )
        self.params = [p for p in self.params if p.name not in self.FLASK_OPTIONS]

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = set(click.Group.list_commands(self, ctx))
        # When the app cannot load, the command that needs it says why, in one line.
        with contextlib.suppress(click.ClickException):
            names.update(ctx.ensure_object(ScriptInfo).load_app().cli.list_commands(ctx))
        return sorted(names)


@click.group(cls=BdcGroup)
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
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input (also done whenever it is not a terminal).",
)
@with_appcontext
def create_user(username: str, role: str, display_name: str, password_stdin: bool) -> None:
    """Create a staff account; the password (at least 10 characters) is asked for, or read from
    standard input: ``echo "$PASSWORD" | bdc create-user --username U --role bcba``."""
    from bdc.extensions import db
    from bdc.services.accounts import create_user as create

    if password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
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


@main.command("recompute-values")
@with_appcontext
def recompute_values() -> None:
    """Rebuild every stored session value from the raw events (after a change of bdc.measures)."""
    from bdc.extensions import db
    from bdc.services import session_values

    with click.progressbar(length=1, label="Recomputing session values") as bar:

        def advanced(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        written = session_values.rebuild(db.session.connection(), progress=advanced)
    db.session.commit()
    click.echo(f"Stored {written} session values.")


@main.command("check-values")
@click.option(
    "--sample",
    type=click.IntRange(1),
    default=500,
    show_default=True,
    help="Sessions to recompute, chosen at random.",
)
@click.option("--all", "every", is_flag=True, help="Check every session.")
@click.option("--seed", type=int, help="Seed of the random sample (to repeat a check).")
@with_appcontext
def check_values(sample: int, every: bool, seed: int | None) -> None:
    """Recompute session values from the raw events and compare with the stored ones.

    Exits with status 1 when any stored value differs (run recompute-values to repair).
    """
    from bdc.extensions import db
    from bdc.services import session_values

    checked, problems = session_values.check(
        db.session.connection(), sample=None if every else sample, seed=seed
    )
    db.session.rollback()
    for line in problems[:50]:
        click.echo(line)
    if problems:
        more = " (first 50 shown)" if len(problems) > 50 else ""
        _fail(f"{len(problems)} differences in {checked} sessions{more}; run bdc recompute-values.")
    click.echo(f"Checked {checked} sessions: stored values match the events.")


def _print_logins() -> None:
    from bdc.demo import DEMO_PASSWORD, DEMO_USERS

    click.echo("Demo logins (password for all: " + DEMO_PASSWORD + "):")
    for username, role, _name in DEMO_USERS:
        click.echo(f"  {username:<12} {role}")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@with_appcontext
def serve(host: str, port: int, workers: int) -> None:
    """Serve the API and the PWA with gunicorn (over TLS when BDC_TLS_CERT and BDC_TLS_KEY are
    set)."""
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which(
        "gunicorn"
    )
    if gunicorn is None:
        _fail("gunicorn is not installed; run `make run` or `pip install gunicorn`.")
    config = current_app.config
    tls = ["--certfile", config["TLS_CERT"], "--keyfile", config["TLS_KEY"]]
    if not (config["TLS_CERT"] and config["TLS_KEY"]):
        tls = []
    click.echo(f"bdc is at http{'s' if tls else ''}://{host}:{port}/  (Ctrl+C stops it)")
    os.execv(
        gunicorn,
        [
            gunicorn,
            "--config",
            "python:bdc.gunicorn_conf",
            "--workers",
            str(workers),
            "--bind",
            f"{host}:{port}",
            *tls,
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


def _report_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"{option}: {value!r} is not a date; use YYYY-MM-DD (for example 2026-03-31).")


@main.command("report")
@click.argument("client_code", required=False)
@click.option("--caseload", is_flag=True, help="One report per active client with data.")
@click.option(
    "--from", "date_from", metavar="DATE", help="First day (default: 89 days before --to)."
)
@click.option("--to", "date_to", metavar="DATE", help="Last day, inclusive (default: today).")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="The PDF file to write; with --caseload, the folder for the PDFs.",
)
@click.option("--pseudonymous", is_flag=True, help="Print only the client's code, no name.")
@click.option(
    "--user",
    "username",
    metavar="USERNAME",
    help="Prepared by this user; with --caseload, the clients of their caseload.",
)
@click.option("--provider", metavar="NAME", help="Practice or agency name for the title page.")
@click.option("--paper", type=click.Choice(["letter", "a4"]), default="letter", show_default=True)
@click.option(
    "--effect-sizes",
    "effect_sizes_text",
    metavar="NAMES",
    help="Effect sizes to print, comma-separated (e.g. nap,tau_u,lrr,smd); default: NAP and "
    "Tau-U, and LRR for frequency, rate and ABC targets.",
)
@click.option(
    "--panel",
    is_flag=True,
    help="Add the multiple-baseline page: one panel per target with data, on shared days.",
)
@with_appcontext
def report(
    client_code: str | None,
    caseload: bool,
    date_from: str | None,
    date_to: str | None,
    output: Path,
    pseudonymous: bool,
    username: str | None,
    provider: str | None,
    paper: str,
    effect_sizes_text: str | None,
    panel: bool,
) -> None:
    """Write the progress report (PDF) of CLIENT_CODE, or of a whole caseload.

    \b
    bdc report C-104 --from 2026-01-05 --to 2026-03-27 -o C-104.pdf
    bdc report C-104 --panel -o C-104.pdf
    bdc report --caseload --from 2026-01-05 --to 2026-03-27 -o reports/
    """
    from bdc.extensions import db
    from bdc.models import Client
    from bdc.services import effect_sizes, progress_report

    if caseload == bool(client_code):
        _fail("Give a CLIENT_CODE or --caseload (one of the two).")
    start, end = _report_date(date_from, "--from"), _report_date(date_to, "--to")
    if start and end and start > end:
        _fail(f"--from {start} is after --to {end}.")
    start, end = progress_report.default_period(start, end)
    names = None
    if effect_sizes_text is not None:
        try:
            names = effect_sizes.parse(effect_sizes_text)
        except ValueError as error:
            _fail(f"--effect-sizes: {error}.")
    user = None
    if username is not None:
        user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
        if user is None:
            _fail(f"No user {username!r}.")
    if caseload:
        _caseload_reports(user, start, end, output, pseudonymous, provider, paper, panel, names)
        return
    client = db.session.scalar(select(Client).where(Client.code == client_code))
    if client is None:
        _fail(f"No client with the code {client_code!r}.")
    if output.is_dir():
        output = output / progress_report.report_filename(client, start, end)
    _check_writable(output)
    with click.progressbar(length=1, label=f"Report {client.code}") as bar:

        def pages(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        pdf, made = progress_report.report_pdf(
            client,
            start,
            end,
            user=user,
            pseudonymous=pseudonymous,
            provider=provider,
            paper=paper,
            panel=panel,
            progress=pages,
            effect_size_names=names,
        )
    try:
        output.write_bytes(pdf)
    except OSError as error:
        _fail(f"Cannot write {output}: {error.strerror or error}.")
    db.session.commit()
    click.echo(
        f"Wrote {output} ({len(made.targets)} targets, {start.isoformat()} to {end.isoformat()})."
    )


def _check_writable(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        _fail(f"Cannot write {path}: the folder {folder} does not exist.")
    if path.exists() and path.is_dir():
        _fail(f"Cannot write {path}: it is a folder.")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        _fail(f"Cannot write {path}: permission denied.")


def _caseload_reports(
    user, start, end, folder: Path, pseudonymous, provider, paper, panel: bool, names
) -> None:
    from bdc.services import progress_report

    if folder.exists() and not folder.is_dir():
        _fail(f"--caseload writes one PDF per client: {folder} must be a folder, not a file.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        _fail(f"Cannot create the folder {folder}: {error.strerror or error}.")
    if not os.access(folder, os.W_OK):
        _fail(f"Cannot write to {folder}: permission denied.")
    with click.progressbar(length=1, label="Progress reports", item_show_func=str) as bar:

        def started(n: int) -> None:
            bar.length = max(n, 1)

        def advanced(client) -> None:
            bar.update(1, client.code)

        try:
            result = progress_report.caseload_reports(
                user,
                start,
                end,
                folder,
                advanced,
                pseudonymous=pseudonymous,
                provider=provider,
                paper=paper,
                panel=panel,
                on_start=started,
                effect_size_names=names,
            )
        except OSError as error:
            _fail(f"Cannot write a report to {folder}: {error.strerror or error}.")
    click.echo(
        f"Wrote {len(result.written)} reports to {folder} ({start.isoformat()} to "
        f"{end.isoformat()})."
    )
    if result.skipped:
        click.echo(f"No sessions in the period, no report: {', '.join(result.skipped)}.")


@main.command("backup")
@click.argument("destination", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(destination: Path | None) -> None:
    """Copy the whole database to a new file while bdc keeps serving.

    SQLite: an online backup, checked for integrity. PostgreSQL: pg_dump (custom format).
    Default file: instance/backups/bdc-<UTC time>.db (or .dump).
    """
    from bdc import backup

    url = current_app.config["DATABASE_URL"]
    if destination is None:
        destination = Path(current_app.instance_path) / "backups" / backup.default_name(url)
    try:
        written = backup.backup(url, destination)
    except backup.BackupError as error:
        _fail(str(error))
    click.echo(f"Backed up {_safe_url()} to {written} ({written.stat().st_size:,} bytes).")


@main.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the database without asking.")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Replace everything in the database with a backup made by `bdc backup`.

    Stop `bdc serve` first. What was stored after the backup is gone from the server; tablets
    re-send only what is still waiting in their outboxes.
    """
    from bdc import backup
    from bdc.extensions import db

    if not yes:
        click.confirm(f"Replace everything in {_safe_url()} with {source}?", abort=True)
    db.session.remove()
    db.engine.dispose()  # no pooled connection keeps a view of the old data
    try:
        backup.restore(current_app.config["DATABASE_URL"], source)
    except backup.BackupError as error:
        _fail(str(error))
    click.echo(f"Restored {_safe_url()} from {source}.")
