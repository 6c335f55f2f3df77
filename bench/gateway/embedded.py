"""Embedded generation speed: through mokmin's provider vs the engine called directly, same prompt.

    python -m bench.gateway.embedded [--tokens 64] [--rounds 7]

Both paths use the same loaded model (one ``xllamacpp.Server``), temperature 0 and the same request, and
alternate in A-B-B-A order so that drift and machine noise hit both alike; the table shows the median and
the best round of each. Tokens/s is completion tokens divided by
wall time seen by the caller, so the provider's overhead (thread hop, queue, typed models) is included.
Target: provider / direct >= 0.95.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

from mokmin.gateway.embedded_engine import XllamacppEngine, _payload
from mokmin.gateway.providers.embedded import EmbeddedProvider, default_embedded_config
from mokmin.gateway.registry import build_provider
from mokmin.gateway.types import ChatMessage, ChatRequest

PROMPT = "Write a short paragraph about the history of the city of Seoul."


def _direct_chat(server: Any, payload: dict[str, Any]) -> tuple[int, float]:
    started = time.perf_counter()
    reply = server.handle_chat_completions(payload)
    return int(reply["usage"]["completion_tokens"]), time.perf_counter() - started


def _direct_stream(server: Any, payload: dict[str, Any]) -> tuple[int, float]:
    pieces: list[str] = []
    usage: dict[str, Any] = {}

    def on_chunk(chunk: dict[str, Any]) -> bool:
        for choice in chunk.get("choices") or ():
            if text := (choice.get("delta") or {}).get("content"):
                pieces.append(text)
        usage.update(chunk.get("usage") or {})
        return False

    started = time.perf_counter()
    server.handle_chat_completions(payload, on_chunk)
    return int(usage["completion_tokens"]), time.perf_counter() - started


async def _provider_chat(provider: EmbeddedProvider, request: ChatRequest) -> tuple[int, float]:
    started = time.perf_counter()
    result = await provider.chat(request)
    return result.output_tokens, time.perf_counter() - started


async def _provider_stream(provider: EmbeddedProvider, request: ChatRequest) -> tuple[int, float]:
    started = time.perf_counter()
    tokens = 0
    async for chunk in provider.stream(request):
        if chunk.usage is not None:
            tokens = chunk.usage.output_tokens
    return tokens, time.perf_counter() - started


async def run(tokens: int, rounds: int) -> list[tuple[str, float, float, str]]:
    built = build_provider(default_embedded_config())
    assert isinstance(built, EmbeddedProvider)
    provider = built
    request = ChatRequest(
        model="smollm2-135m-instruct",
        messages=[ChatMessage(role="user", content=PROMPT)],
        max_tokens=tokens,
        temperature=0,
        seed=1,
    )
    engine = provider.engine(request.model)
    assert isinstance(engine, XllamacppEngine)
    server = engine._loaded()
    plain, streaming = _payload(request, stream=False), _payload(request, stream=True)
    await provider.chat(request)  # warm-up: load, prompt cache
    rows = []
    for mode in ("chat", "stream"):
        direct_rates: list[float] = []
        provider_rates: list[float] = []
        for round_number in range(rounds):
            order = ("direct", "mokmin") if round_number % 2 == 0 else ("mokmin", "direct")
            for path in order:
                if path == "direct":
                    n, seconds = (_direct_chat if mode == "chat" else _direct_stream)(
                        server, plain if mode == "chat" else streaming
                    )
                    direct_rates.append(n / seconds)
                else:
                    call = _provider_chat if mode == "chat" else _provider_stream
                    n, seconds = await call(provider, request)
                    provider_rates.append(n / seconds)
        rows.append((mode, statistics.median(direct_rates), statistics.median(provider_rates), "median"))
        rows.append((mode, max(direct_rates), max(provider_rates), "best"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    rows = asyncio.run(run(args.tokens, args.rounds))
    print(f"embedded SmolLM2-135M-Instruct Q4_1, {args.tokens} tokens, {args.rounds} rounds each")
    print(f"{'mode':<8}{'statistic':<10}{'direct tok/s':>14}{'mokmin tok/s':>14}{'ratio':>8}")
    for mode, direct, through, statistic in rows:
        print(f"{mode:<8}{statistic:<10}{direct:>14.1f}{through:>14.1f}{through / direct:>8.3f}")


if __name__ == "__main__":
    main()
