"""The ``bdc`` command as a newcomer meets it (issue 11): its own options only, one-line
configuration errors, and a password on standard input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select

from bdc.auth import verify_password
from bdc.cli import main
from bdc.config import ConfigError, load_config
from bdc.extensions import db
from bdc.models import User

ROOT = Path(__file__).resolve().parents[2]


def bdc(*arguments: str, env: dict[str, str] | None = None, stdin: str = ""):
    """The real command in a child process, as a shell would run it."""
    return subprocess.run(
        [sys.executable, "-c", "from bdc.cli import main; main(prog_name='bdc')", *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=120,
        check=False,
    )


def test_help_shows_only_bdcs_own_options():
    result = bdc("--help")
    assert result.returncode == 0
    for flask_option in ("--env-file", "--app", "--debug", "python-dotenv"):
        assert flask_option not in result.stdout
    for command in ("serve", "create-user", "report", "protocols", "openapi", "db"):
        assert command in result.stdout


@pytest.mark.parametrize(
    ("env", "what"),
    [
        ({"BDC_ENV": "production"}, "BDC_SECRET_KEY"),
        ({"BDC_ENV": "production", "BDC_SECRET_KEY": "s" * 40}, "BDC_TLS_CERT"),
    ],
)
def test_production_without_a_secret_or_tls_is_one_line_and_fails(tmp_path, env, what):
    result = bdc("serve", env={**env, "BDC_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and what in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_the_production_guard_takes_a_certificate_or_an_explicit_proxy(tmp_path):
    base = {"ENV": "production", "SECRET_KEY": "s" * 40}
    with pytest.raises(ConfigError, match="BDC_BEHIND_TLS_PROXY"):
        load_config(str(tmp_path), base)
    with pytest.raises(ConfigError):
        load_config(str(tmp_path), {**base, "TLS_CERT": "cert.pem"})
    for tls in ({"TLS_CERT": "cert.pem", "TLS_KEY": "key.pem"}, {"BEHIND_TLS_PROXY": True}):
        config = load_config(str(tmp_path), {**base, **tls, "COOKIE_SECURE": False})
        assert config["COOKIE_SECURE"] is True


def test_echo_password_into_create_user_works_without_warnings(tmp_path):
    env = {"BDC_DATABASE_URL": f"sqlite:///{tmp_path}/piped.db"}
    assert bdc("init-db", env=env).returncode == 0
    result = bdc(
        "create-user", "--username", "piped.user", "--role", "bcba",
        env=env, stdin="a-long-enough-password\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Created bcba 'piped.user'."
    assert result.stderr == ""


def test_password_stdin_flag(app):
    result = CliRunner().invoke(
        main,
        ["create-user", "--username", "flagged.user", "--role", "technician", "--password-stdin"],
        input="another-long-password\n",
        obj=ScriptInfo(create_app=lambda: app),
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        try:
            user = db.session.scalar(select(User).where(User.username == "flagged.user"))
            assert verify_password(user, "another-long-password")
        finally:
            db.session.query(User).delete()
            db.session.commit()


def test_create_user_refuses_a_short_piped_password(app):
    result = CliRunner().invoke(
        main,
        ["create-user", "--username", "short.user", "--role", "bcba"],
        input="short\n",
        obj=ScriptInfo(create_app=lambda: app),
    )
    assert result.exit_code == 1
    assert "at least 10 characters" in result.output
