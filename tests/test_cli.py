"""The ``mokmin`` command as an operator uses it, against a real SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mokmin.cli import app

runner = CliRunner()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--database-url", url]).exit_code == 0
    return url


def test_demo_load_twice_user_list_and_key_create(db_url: str) -> None:
    first = runner.invoke(app, ["demo", "load", "--database-url", db_url])
    assert first.exit_code == 0 and "12" in first.output
    second = runner.invoke(app, ["demo", "load", "--database-url", db_url])
    assert second.exit_code == 0 and "0" in second.output
    listing = runner.invoke(app, ["user", "list", "--database-url", db_url])
    assert "press1" in listing.output and "head.press" in listing.output
    key = runner.invoke(app, ["key", "create", "--user", "press1", "--database-url", db_url])
    assert key.exit_code == 0
    assert any(line.startswith("mk-") for line in key.stdout.splitlines())


def test_user_add_and_disable(db_url: str) -> None:
    added = runner.invoke(
        app,
        [
            "user",
            "add",
            "kim.clerk",
            "--name",
            "김주무관",
            "--password",
            "long enough pw",
            "--database-url",
            db_url,
        ],
    )
    assert added.exit_code == 0, added.output
    disabled = runner.invoke(app, ["user", "disable", "kim.clerk", "--database-url", db_url])
    assert disabled.exit_code == 0
    assert "✗" in runner.invoke(app, ["user", "list", "--database-url", db_url]).output


@pytest.mark.parametrize(
    "args",
    [
        ["user", "add", "x", "--password", "long enough pw"],
        ["user", "add", "valid.name", "--password", "short"],
        ["user", "add", "valid.name", "--password", "long enough pw", "--role", "king"],
        ["user", "add", "valid.name", "--password", "long enough pw", "--department", "없는과"],
        ["user", "disable", "nobody"],
        ["key", "create", "--user", "nobody"],
    ],
)
def test_bad_input_is_one_clear_line_and_exit_1(db_url: str, args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--database-url", db_url])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.strip().startswith(("오류", "Error"))


def test_init_creates_first_admin_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'init.db'}"
    result = runner.invoke(app, ["init", "--admin-password", "long enough pw", "--database-url", url])
    assert result.exit_code == 0, result.output
    again = runner.invoke(app, ["init", "--database-url", url])  # no prompt: the admin exists
    assert again.exit_code == 0


@pytest.mark.parametrize(
    ("lang", "expected"), [("ko_KR.UTF-8", "웹 서버를 시작합니다"), ("en_US.UTF-8", "Start the web server")]
)
def test_help_follows_the_locale(lang: str, expected: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("MOKMIN_LANG", "LC_ALL", "LC_MESSAGES")}
    env.update(LANG=lang, COLUMNS="200")
    out = subprocess.run(
        [sys.executable, "-m", "mokmin", "--help"], env=env, capture_output=True, text=True, check=True
    )
    assert expected in out.stdout


def test_audit_verify_export_and_tamper(db_url: str, tmp_path: Path) -> None:
    runner.invoke(app, ["demo", "load", "--database-url", db_url])
    runner.invoke(app, ["key", "create", "--user", "press1", "--database-url", db_url])
    runner.invoke(app, ["user", "disable", "press2", "--database-url", db_url])
    ok = runner.invoke(app, ["audit", "verify", "--database-url", db_url])
    assert ok.exit_code == 0 and "2" in ok.output
    out = tmp_path / "audit.jsonl"
    assert runner.invoke(app, ["audit", "export", "-o", str(out), "--database-url", db_url]).exit_code == 0
    assert runner.invoke(app, ["audit", "verify-export", str(out)]).exit_code == 0
    public = runner.invoke(app, ["audit", "key"]).stdout.strip()
    assert runner.invoke(app, ["audit", "verify-export", str(out), "--public-key", public]).exit_code == 0
    out.write_text(out.read_text().replace("press2", "press9"))
    assert runner.invoke(app, ["audit", "verify-export", str(out)]).exit_code == 1
    assert runner.invoke(app, ["audit", "verify-export", str(tmp_path / "missing.jsonl")]).exit_code == 1
    import sqlite3

    con = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    con.execute("UPDATE audit_events SET target = 'someone else' WHERE seq = 1")
    con.commit()
    con.close()
    bad = runner.invoke(app, ["audit", "verify", "--database-url", db_url])
    assert bad.exit_code == 1 and "1" in bad.output


def test_serve_fast_path_rejects_a_bad_port_clearly() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "mokmin", "serve", "--port", "eighty"], capture_output=True, text=True
    )
    assert out.returncode == 2
    assert "--port" in out.stderr and "Traceback" not in out.stderr


def test_serve_help_comes_from_the_full_command_tree() -> None:
    env = {**os.environ, "LANG": "en_US.UTF-8", "COLUMNS": "200"}
    env.pop("MOKMIN_LANG", None)
    out = subprocess.run(
        [sys.executable, "-m", "mokmin", "serve", "--help"], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0 and "--port" in out.stdout
