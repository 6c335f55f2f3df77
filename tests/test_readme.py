"""The README's promises stay true: two set-up commands, CI runs the second verbatim, and the first one's
steps (migrate, demo load, serve) give a platform whose demo sign-in works."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def setup_commands() -> list[str]:
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", quick_start, flags=re.S)


def make_recipe(target: str) -> list[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", makefile, flags=re.M)
    assert match, f"no make target {target}"
    return [line.strip() for line in match.group(1).splitlines()]


def test_exactly_two_setup_commands() -> None:
    assert setup_commands() == ["make start", "make check"]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.rstrip().splitlines()[-1] == setup_commands()[1]


def test_make_start_migrates_loads_demo_and_serves() -> None:
    assert make_recipe("start") == [
        "$(BIN)/mokmin db upgrade",
        "$(BIN)/mokmin demo load",
        "$(BIN)/mokmin serve",
    ]


def test_every_cli_command_in_the_readme_exists() -> None:
    from mokmin.cli import app

    groups = {group.name: group.typer_instance for group in app.registered_groups}
    top = {command.name or command.callback.__name__ for command in app.registered_commands}  # type: ignore[union-attr]
    for line in re.findall(r"`mokmin ([a-z]+)(?: ([a-z]+))?", README):
        name, sub = line
        if name in groups:
            subs = {c.name or c.callback.__name__ for c in groups[name].registered_commands}  # type: ignore[union-attr]
            assert not sub or sub in subs, f"mokmin {name} {sub}"
        else:
            assert name in top, f"mokmin {name}"


def test_start_steps_serve_a_platform_with_working_demo_sign_in(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "MOKMIN_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'mokmin.db'}",
        "MOKMIN_PORT": "0",
    }
    mokmin = [sys.executable, "-m", "mokmin"]
    subprocess.run([*mokmin, "db", "upgrade"], env=env, check=True, capture_output=True)
    loaded = subprocess.run([*mokmin, "demo", "load"], env=env, check=True, capture_output=True, text=True)
    password = re.search(r"mokmin-demo-\d+", loaded.stdout)
    assert password, loaded.stdout
    from tests.fixtures.live_server import free_port

    port = free_port()
    server = subprocess.Popen([*mokmin, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not come up"
            time.sleep(0.1)
        with httpx.Client(base_url=base) as client:
            page = client.get("/login").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', page)
            assert token
            response = client.post(
                "/login",
                data={"csrf_token": token.group(1), "username": "admin", "password": password.group(0)},
            )
            assert response.status_code == 303
            assert "관리자" in client.get("/").text
    finally:
        server.terminate()
        server.wait(timeout=10)
