"""Gateway overhead: the fake upstream called directly vs through mokmin vs through the LiteLLM proxy.

    python -m bench.gateway.overhead [--quick] [--duration S] [--concurrency 1,16,64] [--litellm PATH]
                                     [--kind openai-compatible|openai]

Same machine, same load, one worker each. The fake upstream answers at once (no artificial latency), so what
a gateway adds is all that is measured. mokmin runs with everything on: API-key lookup, privacy guard,
routing, budget reservation and settlement against a budget rule in SQLite, usage and audit records. LiteLLM
runs with a master key, no database and no callbacks (it has no budgets without its database), so it does
less work than mokmin does.

Each cell (target × concurrency × streaming) runs ``concurrency`` client tasks in one ``httpx.AsyncClient``
for a fixed time after a short warm-up. Non-streaming latency is the whole request; streaming reports time to
first byte (TTFB, first body bytes) and to the first token (TTFT, first chunk with content), and RPS counts
finished streams. "+p99" is the p99 added over calling the upstream directly at the same concurrency (TTFT for
streams: mokmin sends its first SSE event before it calls the upstream, so TTFB would flatter it).
"CPU ms/req" is the server's own CPU time (user + system, from /proc) per answered request: it moves far less
than RPS when other work shares the machine, and 1000 / CPU ms is the most one core could serve.
mokmin reaches the upstream as an ``openai-compatible`` provider by default (its own keep-alive HTTP/1.1
client), since an on-premises server (vLLM, Ollama, llama.cpp) is the case this benchmark is about;
``--kind openai`` measures the official-SDK provider instead (same locality and data level, so only the client
differs). With SQLite (the default here) mokmin plans and records each call on its event loop; ``--redis URL``
moves the limit counters to Redis, which sends those steps to worker threads again.
Target (issue 3): mokmin ≥ 3× LiteLLM's RPS and ≤ 1/3 of its added p99.

By default each gateway is pinned to CPU 1 and the load generator and upstream to CPU 0, so a gateway has
one core, as one worker would in production, and noise from the client stays off it (``--no-pin`` to turn
off). LiteLLM is looked up next to this Python, then on PATH; it is skipped (with a note) if missing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

from bench.gateway.overhead_servers import (
    MODEL,
    Server,
    find_litellm,
    litellm_version,
    start_litellm,
    start_mokmin,
    start_upstream,
)

PROMPT = (
    "다음 주 시청 광장에서 열리는 시민 문화 축제에 관한 보도자료 제목을 세 가지 제안해 주세요. "
    "축제는 토요일 오전 10시에 시작하며 공연, 체험 부스, 먹거리 장터가 열립니다. "
    "Please keep each title under twenty words."
)
MAX_REQUESTS_PER_CELL = 50_000


@dataclass
class Cell:
    """What one target answered at one concurrency, streaming or not."""

    target: str
    concurrency: int
    stream: bool
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)  # whole request (non-streaming) or stream
    ttfb: list[float] = field(default_factory=list)
    ttft: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    cpu_per_request: float = float("nan")  # server CPU seconds per answered request (warm-up included)

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    @property
    def key_latencies(self) -> list[float]:
        """The latency the overhead is judged on: the whole answer, or the first token of a stream."""
        return self.ttft if self.stream else self.latencies


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=1000, method="inclusive")[round(q * 1000) - 1]


def body(stream: bool) -> bytes:
    payload: dict[str, object] = {
        "model": MODEL,
        "messages": [
            {"role": "system", "content": "당신은 시청 홍보담당관실을 돕는 비서입니다."},
            {"role": "user", "content": PROMPT},
        ],
        "max_tokens": 64,
    }
    if stream:
        payload |= {"stream": True, "stream_options": {"include_usage": True}}
    return json.dumps(payload, ensure_ascii=False).encode()


def has_content(buffer: bytes) -> bool:
    """Whether the SSE bytes so far hold an event whose delta carries text (the first token)."""
    for event in buffer.split(b"\n\n")[:-1]:
        data = event.strip().removeprefix(b"data:").strip()
        if not data or data == b"[DONE]":
            continue
        try:
            choices = json.loads(data).get("choices") or []
        except ValueError:
            continue
        if any((c.get("delta") or {}).get("content") for c in choices):
            return True
    return False


async def one_request(client: httpx.AsyncClient, server: Server, content: bytes, cell: Cell) -> None:
    started = time.perf_counter()
    headers = {**server.headers, "content-type": "application/json"}
    if not cell.stream:
        response = await client.post(server.url, content=content, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
        cell.latencies.append(time.perf_counter() - started)
        return
    first_byte = first_token = None
    buffer = b""
    async with client.stream("POST", server.url, content=content, headers=headers) as response:
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}: {(await response.aread())[:200]!r}")
        async for chunk in response.aiter_raw():
            now = time.perf_counter()
            if first_byte is None:
                first_byte = now
            if first_token is None:
                buffer += chunk
                if has_content(buffer):
                    first_token, buffer = now, b""
            elif b"error" in chunk and b'"error"' in chunk:
                raise RuntimeError(f"error event in stream: {chunk[:200]!r}")
    if first_byte is None or first_token is None:
        raise RuntimeError("stream ended without a token")
    cell.ttfb.append(first_byte - started)
    cell.ttft.append(first_token - started)
    cell.latencies.append(time.perf_counter() - started)


async def run_cell(server: Server, concurrency: int, stream: bool, warmup: float, duration: float) -> Cell:
    """``concurrency`` workers send back-to-back requests; only those started in the window count.

    Each worker has its own ``httpx.AsyncClient`` (one keep-alive connection): a single shared pool slows
    down sharply as concurrency grows (httpcore's pool bookkeeping), which would cap the direct baseline.
    Workers connect a few at a time and the clock starts when all are connected: 64 simultaneous connects
    lose SYNs to the accept backlog and wait out 1 s retransmits, which is not what a gateway costs.
    """
    content = body(stream)
    warm = Cell(server.name, concurrency, stream)
    measured = Cell(server.name, concurrency, stream)
    connecting = asyncio.Semaphore(8)
    all_connected = asyncio.Event()
    connected = 0
    window = [0.0, 0.0]
    cpu_start: list[float] = []

    async def worker() -> None:
        nonlocal connected
        async with httpx.AsyncClient(timeout=httpx.Timeout(60.0), trust_env=False) as client:
            async with connecting:
                await one_request(client, server, content, Cell(server.name, concurrency, stream))
            connected += 1
            if connected == concurrency:
                begin = time.perf_counter()
                window[:] = [begin + warmup, begin + warmup + duration]
                cpu_start.append(server.cpu_seconds())
                all_connected.set()
            await all_connected.wait()
            while (now := time.perf_counter()) < window[1]:
                if len(measured.latencies) + measured.errors >= MAX_REQUESTS_PER_CELL:
                    return
                cell = warm if now < window[0] else measured
                try:
                    await one_request(client, server, content, cell)
                except (httpx.HTTPError, RuntimeError) as error:
                    cell.errors += 1
                    cell.first_error = cell.first_error or str(error)[:200]

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    # Requests started inside the window finish a little after it; count the time they took.
    measured.elapsed = time.perf_counter() - window[0]
    answered = len(warm.latencies) + len(measured.latencies)
    if answered and cpu_start:
        measured.cpu_per_request = (server.cpu_seconds() - cpu_start[0]) / answered
    return measured


async def prime(server: Server, rounds: int = 20) -> None:
    """Sequential requests of both kinds before any timing, so lazy loading (guard data, SDK clients, first
    database connections) is not mistaken for overhead; any failure here stops the run with its reason."""
    async with httpx.AsyncClient(timeout=httpx.Timeout(60.0), trust_env=False) as client:
        for stream in (False, True):
            cell = Cell(server.name, 1, stream)
            for _ in range(rounds):
                await one_request(client, server, body(stream), cell)


def run_target(
    server: Server, concurrencies: Iterable[int], warmup: float, duration: float, console: Console
) -> list[Cell]:
    asyncio.run(prime(server))
    cells = []
    for stream in (False, True):
        for concurrency in concurrencies:
            cell = asyncio.run(run_cell(server, concurrency, stream, warmup, duration))
            console.print(
                f"[dim]{server.name:8} c={concurrency:<3} {'stream' if stream else 'plain '} "
                f"{cell.rps:8.1f} rps  p99 {percentile(cell.key_latencies, 0.99) * 1000:7.1f} ms"
                f"  CPU {ms(cell.cpu_per_request)} ms/req"
                + (f"  errors {cell.errors}: {cell.first_error}" if cell.errors else "")
                + "[/dim]",
                highlight=False,
            )
            cells.append(cell)
    return cells


# --- tables -------------------------------------------------------------------------------------------


def ms(value: float) -> str:
    return f"{value * 1000:.1f}" if value == value else "-"


def ratio(numerator: float, denominator: float) -> str:
    if denominator <= 0 or numerator != numerator or denominator != denominator:
        return "-"
    return f"{numerator / denominator:.2f}"


def index(cells: list[Cell]) -> dict[tuple[str, int, bool], Cell]:
    return {(c.target, c.concurrency, c.stream): c for c in cells}


def added_p99(cell: Cell, direct: Cell | None) -> float:
    if direct is None:
        return float("nan")
    return percentile(cell.key_latencies, 0.99) - percentile(direct.key_latencies, 0.99)


def results_table(cells: list[Cell], stream: bool, title: str) -> Table:
    by_key = index(cells)
    table = Table(title=title)
    columns = ["target", "conc", "RPS", "p50 ms", "p99 ms"]
    if stream:
        columns = ["target", "conc", "RPS", "TTFB p50", "TTFB p99", "TTFT p50", "TTFT p99"]
    for column in [*columns, "+p99 vs direct", "CPU ms/req", "errors"]:
        table.add_column(column, justify="left" if column == "target" else "right")
    for cell in (c for c in cells if c.stream == stream):
        direct = by_key.get(("direct", cell.concurrency, stream))
        added = "" if cell.target == "direct" else ms(added_p99(cell, direct))
        if stream:
            figures = [
                ms(percentile(cell.ttfb, 0.5)), ms(percentile(cell.ttfb, 0.99)),
                ms(percentile(cell.ttft, 0.5)), ms(percentile(cell.ttft, 0.99)),
            ]  # fmt: skip
        else:
            figures = [ms(percentile(cell.latencies, 0.5)), ms(percentile(cell.latencies, 0.99))]
        table.add_row(
            cell.target,
            str(cell.concurrency),
            f"{cell.rps:.0f}",
            *figures,
            added,
            ms(cell.cpu_per_request),
            str(cell.errors),
        )
    return table


def ratio_table(cells: list[Cell], concurrencies: list[int]) -> Table:
    by_key = index(cells)
    table = Table(title="mokmin / LiteLLM (target: RPS ≥ 3.00, added p99 ≤ 0.33)")
    columns = (
        "mode",
        "conc",
        "RPS ratio",
        "added p99 ratio",
        "CPU/req LiteLLM÷mokmin",
        "RPS target",
        "p99 target",
    )
    for column in columns:
        table.add_column(column, justify="right")
    for stream in (False, True):
        for concurrency in concurrencies:
            mokmin = by_key.get(("mokmin", concurrency, stream))
            litellm = by_key.get(("LiteLLM", concurrency, stream))
            direct = by_key.get(("direct", concurrency, stream))
            if mokmin is None or litellm is None:
                continue
            rps = mokmin.rps / litellm.rps if litellm.rps else float("nan")
            added_m, added_l = added_p99(mokmin, direct), added_p99(litellm, direct)
            p99 = max(added_m, 0.0) / added_l if added_l > 0 else float("nan")
            table.add_row(
                "stream (TTFT)" if stream else "plain",
                str(concurrency),
                f"{rps:.2f}",
                f"{p99:.2f}" if p99 == p99 else "-",
                ratio(litellm.cpu_per_request, mokmin.cpu_per_request),
                "met" if rps >= 3 else "missed",
                "met" if p99 == p99 and p99 <= 1 / 3 else "missed",
            )
    return table


# --- main ---------------------------------------------------------------------------------------------


def cpu_plan(pin: bool) -> tuple[set[int] | None, set[int] | None]:
    """(CPUs for the load generator and upstream, CPUs for the gateway under test)."""
    available = sorted(os.sched_getaffinity(0))
    if not pin or len(available) < 2:
        return None, None
    return {available[0]}, {available[1]}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="short cells (about a minute in all)")
    parser.add_argument("--duration", type=float, help="measured seconds per cell (default 6, quick 2)")
    parser.add_argument("--warmup", type=float, help="warm-up seconds per cell (default 1, quick 0.5)")
    parser.add_argument("--concurrency", default="1,16,64", help="comma-separated, default 1,16,64")
    parser.add_argument("--targets", default="direct,mokmin,litellm", help="which of direct,mokmin,litellm")
    parser.add_argument("--litellm", help="path of the litellm CLI (default: next to python, then PATH)")
    parser.add_argument(
        "--kind",
        choices=("openai-compatible", "openai"),
        default="openai-compatible",
        help="provider kind mokmin reaches the upstream with (default openai-compatible: the lean client)",
    )
    parser.add_argument("--no-pin", action="store_true", help="do not pin processes to CPUs")
    parser.add_argument(
        "--uvicorn-arg", action="append", default=[], help="extra argument for mokmin's uvicorn"
    )
    parser.add_argument(
        "--redis", metavar="URL", help="mokmin's limit counters in this Redis (default SQLite)"
    )
    parser.add_argument(
        "--mokmin-env", action="append", default=[], metavar="KEY=VALUE", help="extra environment for mokmin"
    )
    args = parser.parse_args()
    args.duration = args.duration or (2.0 if args.quick else 6.0)
    args.warmup = args.warmup if args.warmup is not None else (0.5 if args.quick else 1.0)
    return args


def main() -> None:
    args = parse_args()
    console = Console()
    if not console.is_terminal:  # piped to a file: don't squeeze the tables into 80 columns
        console = Console(width=150)
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    targets = {t.strip().lower() for t in args.targets.split(",")}
    client_cpus, gateway_cpus = cpu_plan(not args.no_pin)
    if client_cpus:
        os.sched_setaffinity(0, client_cpus)
    litellm = find_litellm(args.litellm) if "litellm" in targets else None
    notes = []
    if "litellm" in targets and litellm is None:
        notes.append(
            "LiteLLM skipped: no `litellm` CLI found (pip install 'litellm[proxy]', or --litellm PATH)"
        )
    mokmin_env = dict(item.split("=", 1) for item in args.mokmin_env)
    if args.redis:
        mokmin_env["MOKMIN_REDIS_URL"] = args.redis
    notes.append(f"mokmin limit counters in {'Redis ' + args.redis if args.redis else 'SQLite'}")
    notes.append(f"mokmin provider kind: {args.kind}")
    if args.uvicorn_arg or args.mokmin_env:
        notes.append(f"mokmin uvicorn extra {args.uvicorn_arg}, env {args.mokmin_env}")
    cells: list[Cell] = []
    upstream, upstream_base = start_upstream(client_cpus)
    try:
        with tempfile.TemporaryDirectory(prefix="mokmin-bench-") as tmp:
            if "direct" in targets:
                cells += run_target(upstream, concurrencies, args.warmup, args.duration, console)
            starters: dict[str, Callable[[], Server]] = {
                "mokmin": lambda: start_mokmin(
                    Path(tmp), upstream_base, gateway_cpus, args.uvicorn_arg, mokmin_env, kind=args.kind
                ),
                "litellm": lambda: start_litellm(Path(tmp), upstream_base, gateway_cpus, str(litellm)),
            }
            for name, start in starters.items():
                if name not in targets or (name == "litellm" and litellm is None):
                    continue
                server = start()
                try:
                    cells += run_target(server, concurrencies, args.warmup, args.duration, console)
                finally:
                    server.stop()
    finally:
        upstream.stop()
    if litellm is not None:
        notes.append(f"LiteLLM {litellm_version(litellm)} ({litellm})")
    pinning = (
        f"gateway on CPU {sorted(gateway_cpus)}, client+upstream on CPU {sorted(client_cpus)}"
        if (gateway_cpus and client_cpus)
        else "not pinned"
    )
    notes.append(
        f"{args.duration:g} s per cell after {args.warmup:g} s warm-up; {pinning}; {os.cpu_count()} CPUs"
    )
    console.print(results_table(cells, False, "Non-streaming chat completions (latency of the whole answer)"))
    console.print(results_table(cells, True, "Streaming chat completions (TTFB, TTFT; +p99 on TTFT)"))
    if any(c.target == "LiteLLM" for c in cells) and any(c.target == "mokmin" for c in cells):
        console.print(ratio_table(cells, concurrencies))
    for note in notes:
        console.print(f"[dim]{note}[/dim]")


if __name__ == "__main__":
    main()
