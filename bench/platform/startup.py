"""Cold start of `mokmin serve` to the first successful /healthz, and the idle server's resident memory.

Baseline, measured in the same run: uvicorn serving a bare FastAPI app with one /healthz route (the least a
Python web service of this stack can cost). Run: `python -m bench.platform.startup [--runs N]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

from tests.fixtures.live_server import free_port

BARE_APP = textwrap.dedent(
    """
    from fastapi import FastAPI
    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}
    """
)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(command: list[str], port: int, env: dict[str, str]) -> tuple[float, float]:
    """Seconds from process start to the first 200 from /healthz, and RSS after 2 s idle."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.01)
            if time.perf_counter() - started > 30:
                raise RuntimeError(f"{command} did not come up")
        ready = time.perf_counter() - started
        time.sleep(2)
        return ready, rss_mib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "MOKMIN_DATABASE_URL": f"sqlite:///{tmp}/bench.db"}
        subprocess.run(
            [sys.executable, "-m", "mokmin", "db", "upgrade"], env=env, check=True, capture_output=True
        )
        bare = Path(tmp) / "bare_app.py"
        bare.write_text(BARE_APP)
        results: dict[str, list[tuple[float, float]]] = {"mokmin serve": [], "bare FastAPI (baseline)": []}
        for _ in range(args.runs):
            port = free_port()
            results["mokmin serve"].append(
                measure([sys.executable, "-m", "mokmin", "serve", "--port", str(port)], port, env)
            )
            port = free_port()
            bare_cmd = [
                sys.executable,
                "-m",
                "uvicorn",
                "bare_app:app",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ]
            results["bare FastAPI (baseline)"].append(measure(bare_cmd, port, {**env, "PYTHONPATH": tmp}))
    base_start = statistics.median(r[0] for r in results["bare FastAPI (baseline)"])
    base_rss = statistics.median(r[1] for r in results["bare FastAPI (baseline)"])
    table = Table(title=f"Cold start to first /healthz and idle RSS (median of {args.runs})")
    for column in ("server", "cold start s", "× baseline", "idle RSS MiB", "× baseline"):
        table.add_column(column)
    for name, runs in results.items():
        start = statistics.median(r[0] for r in runs)
        rss = statistics.median(r[1] for r in runs)
        table.add_row(
            name, f"{start:.2f}", f"{start / base_start:.2f}", f"{rss:.0f}", f"{rss / base_rss:.2f}"
        )
    Console().print(table)


if __name__ == "__main__":
    main()
