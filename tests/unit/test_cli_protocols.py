"""`bdc protocols check`: every problem printed, exit 1 on any; "N protocols OK" otherwise."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bdc.cli import main
from bdc.protocols import PROTOCOLS_DIR_ENV, default_root, load_library


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    """A copy of the repository's library, free to break."""
    monkeypatch.delenv(PROTOCOLS_DIR_ENV, raising=False)
    copy = tmp_path / "protocols"
    shutil.copytree(default_root(), copy)
    return copy


def check(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, ["protocols", "check", *args], env=env)


def test_the_shipped_library_is_ok(monkeypatch):
    monkeypatch.delenv(PROTOCOLS_DIR_ENV, raising=False)
    result = check()
    assert result.exit_code == 0, result.output
    assert result.output == f"{len(load_library())} protocols OK\n"


def test_a_copy_is_checked_through_root_or_the_environment(root):
    count = len(load_library(root))
    assert check("--root", str(root)).output == f"{count} protocols OK\n"
    assert check(env={PROTOCOLS_DIR_ENV: str(root)}).output == f"{count} protocols OK\n"


def test_an_edited_published_file_fails(root):
    path = root / "plans" / "fct-escape.v1.yaml"
    path.write_text(path.read_text("utf-8").replace("criterion: 90", "criterion: 85"), "utf-8")
    result = check("--root", str(root))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("protocols/plans/fct-escape.v1.yaml: edited after publication")
    assert lines[-1] == "1 problem(s) found."
    assert "protocols OK" not in result.output


def test_every_problem_is_printed(root):
    (root / "measurement" / "aggression-frequency.v1.yaml").write_text("id: [unclosed\n", "utf-8")
    (root / "ioa" / "standard.v1.yaml").unlink()
    result = check("--root", str(root))
    assert result.exit_code == 1
    problems = result.output.splitlines()[:-1]
    assert len(problems) >= 2
    assert any("aggression-frequency.v1.yaml" in p for p in problems)
    assert any("standard v1: file missing" in p for p in problems)


def test_a_missing_folder_fails(tmp_path):
    result = check("--root", str(tmp_path / "nowhere"))
    assert result.exit_code == 1 and "protocols folder not found" in result.output
