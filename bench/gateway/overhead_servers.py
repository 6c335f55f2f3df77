"""The processes the overhead benchmark measures: a fast fake upstream, mokmin, and the LiteLLM proxy.

Each runs as its own process on 127.0.0.1 (never in the load generator's process, which would share its GIL
and event loop). mokmin gets a fresh SQLite database with demo data, the fake upstream registered as a
provider, an API key and a budget rule, so the governed path does all of its work: key lookup, privacy
guard, routing, budget reservation and settlement, usage and audit records.

    python -m bench.gateway.overhead_servers upstream   # prints the port, then serves until killed
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import httpx

from tests.fixtures.live_server import free_port

SECRET = "bench-gateway-secret-" + "b" * 30
LITELLM_KEY = "sk-bench-master-key"
MODEL = "fake-gpt"
# Budget generous enough never to refuse, so every request pays for the checks but none is turned away.
BUDGET = {"monthly_tokens": 10**12, "monthly_cost": Decimal(10**9), "requests_per_minute": 10**9}


@dataclass
class Server:
    """A started server process and what a client needs to call it."""

    name: str
    process: subprocess.Popen[bytes]
    url: str  # the chat completions URL
    headers: dict[str, str]

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the server process and any children it started."""
        return _tree_cpu(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _tree_cpu(root: int) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(times.get(pid, 0.0) for pid in tree)


def pinned(cpus: set[int] | None) -> Callable[[], None] | None:
    """A preexec hook that pins the child (and every thread it starts) to ``cpus``."""
    if not cpus:
        return None
    return lambda: os.sched_setaffinity(0, cpus)


def _wait_ready(process: subprocess.Popen[bytes], url: str, name: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode} before it was ready")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{name} did not answer {url} within {timeout:.0f} s")


def _serve_upstream() -> None:
    """Serve the fake upstream in this process's main thread on a port uvicorn binds itself.

    Not ``start_fake_upstream()``: it binds its socket with protocol 0, and asyncio only sets TCP_NODELAY on
    sockets whose protocol is IPPROTO_TCP, so every keep-alive answer (headers, then body) waits ~40 ms for
    a delayed ACK, which would swamp what is measured here.
    """
    import uvicorn

    from tests.fixtures.fake_upstreams import FakeUpstream, _app

    port = free_port()
    print(port, flush=True)
    config = uvicorn.Config(
        _app(FakeUpstream(record=False)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        ws="none",
    )
    uvicorn.Server(config).run()


def start_upstream(cpus: set[int] | None) -> tuple[Server, str]:
    """The fake OpenAI-compatible upstream, no artificial latency; returns it and its ``/v1`` base URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.gateway.overhead_servers", "upstream"],
        stdout=subprocess.PIPE,
        preexec_fn=pinned(cpus),
    )
    assert process.stdout is not None
    port = int(process.stdout.readline())
    base = f"http://127.0.0.1:{port}/v1"
    _wait_ready(process, f"{base}/models", "fake upstream")
    return Server("direct", process, f"{base}/chat/completions", {}), base


def prepare_mokmin_database(
    folder: Path, upstream_base: str, kind: str = "openai-compatible"
) -> tuple[str, str]:
    """A migrated SQLite database with demo data, the upstream as provider, a budget rule; (url, API key).

    ``kind`` is the provider kind the upstream is registered as: ``openai-compatible`` (mokmin's lean client,
    the on-premises case) or ``openai`` (the official SDK). Only the client differs: locality, data level
    and models are the same, so the guard and routing do the same work for either.
    """
    from pydantic import SecretStr

    from mokmin.core import auth, org
    from mokmin.core.db import make_engine, make_sessionmaker, transaction
    from mokmin.core.demo import load_demo
    from mokmin.core.migrate import upgrade
    from mokmin.core.settings import Settings
    from mokmin.gateway import budgets, catalog
    from mokmin.gateway.types import ModelInfo, ProviderConfig, Timeouts

    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    settings = Settings(env="development", database_url=url, secret_key=SecretStr(SECRET), _env_file=None)
    engine = make_engine(url)
    with transaction(make_sessionmaker(engine)) as db:
        load_demo(db, settings)
        config = ProviderConfig.model_validate(
            {
                "name": "bench-upstream",
                "kind": kind,
                "locality": "external",
                "max_data_level": "S",
                "base_url": upstream_base,
                "api_key": "sk-upstream-unused",
                "models": [
                    ModelInfo(
                        name=MODEL,
                        context_length=4096,
                        input_price_per_million="1.5",
                        output_price_per_million="6",
                    )
                ],
                "timeouts": Timeouts(connect=5, read=60, total=120),
            }
        )
        catalog.save(db, config, SECRET, replace=True)
        user = org.find_user(db, "press1")
        _, key = auth.create_api_key(db, user, "bench", 1)
        budgets.set_rule(db, "user", user.id, **BUDGET)  # type: ignore[arg-type]
    engine.dispose()
    return url, key


def start_mokmin(
    folder: Path,
    upstream_base: str,
    cpus: set[int] | None,
    uvicorn_args: list[str],
    extra_env: dict[str, str] | None = None,
    app: str = "mokmin.web.app:create_app",
    kind: str = "openai-compatible",
) -> Server:
    """mokmin as ``uvicorn mokmin.web.app:create_app --factory``, one worker, like ``mokmin serve``.

    Limit counters live in SQLite unless ``extra_env`` sets ``MOKMIN_REDIS_URL``.
    """
    url, key = prepare_mokmin_database(folder, upstream_base, kind)
    port = free_port()
    env = {
        **os.environ,
        "MOKMIN_DATABASE_URL": url,
        "MOKMIN_SECRET_KEY": SECRET,
        "MOKMIN_ENV": "development",
        "MOKMIN_DATA_DIR": str(folder),
    }
    env.pop("MOKMIN_REDIS_URL", None)  # counters in the database (the embedded setup) unless asked
    env.update(extra_env or {})
    command = [
        sys.executable, "-m", "uvicorn", app, "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
        "--log-level", "warning", "--no-access-log", *uvicorn_args,
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        env=env,
        cwd=folder,
        preexec_fn=pinned(cpus),
    )
    base = f"http://127.0.0.1:{port}"
    _wait_ready(process, f"{base}/healthz", "mokmin")
    return Server("mokmin", process, f"{base}/v1/chat/completions", {"authorization": f"Bearer {key}"})


LITELLM_CONFIG = """\
model_list:
  - model_name: {model}
    litellm_params:
      model: openai/{model}
      api_base: {base}
      api_key: sk-upstream-unused
litellm_settings:
  telemetry: false
  drop_params: true
  turn_off_message_logging: true
general_settings:
  master_key: {key}
  disable_spend_logs: true
"""

# Everything that could make LiteLLM reach the internet or write a database is switched off.
LITELLM_ENV = {
    "LITELLM_TELEMETRY": "False",
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    "LITELLM_LOG": "ERROR",
    "LITELLM_MODE": "PRODUCTION",
    "DISABLE_ADMIN_UI": "True",
    "NO_DOCS": "True",
    "HF_HUB_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def find_litellm(explicit: str | None) -> str | None:
    """The ``litellm`` CLI: ``--litellm``, then next to this interpreter, then on PATH."""
    if explicit:
        return explicit
    beside = Path(sys.executable).with_name("litellm")
    return str(beside) if beside.exists() else shutil.which("litellm")


def start_litellm(folder: Path, upstream_base: str, cpus: set[int] | None, executable: str) -> Server:
    """The LiteLLM proxy, one worker, no database, the fake upstream as an ``openai/`` model."""
    config = folder / "litellm.yaml"
    config.write_text(LITELLM_CONFIG.format(model=MODEL, base=upstream_base, key=LITELLM_KEY))
    port = free_port()
    env = {**os.environ, **LITELLM_ENV}
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [
            executable,
            "--config",
            str(config),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--num_workers",
            "1",
        ],
        env=env,
        cwd=folder,
        stdout=subprocess.DEVNULL,
        preexec_fn=pinned(cpus),
    )
    base = f"http://127.0.0.1:{port}"
    _wait_ready(process, f"{base}/health/liveliness", "LiteLLM", timeout=180)
    return Server(
        "LiteLLM", process, f"{base}/v1/chat/completions", {"authorization": f"Bearer {LITELLM_KEY}"}
    )


def litellm_version(executable: str) -> str:
    python = Path(executable).with_name("python")
    probe = "import importlib.metadata as m; print(m.version('litellm'))"
    try:
        return subprocess.run(
            [str(python), "-c", probe], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


if __name__ == "__main__":
    if sys.argv[1:] == ["upstream"]:
        _serve_upstream()
    else:
        raise SystemExit(__doc__)
