"""Retry and fallback rules, with scripted in-memory providers and a recorded sleep."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import pytest

from mokmin.core.errors import MokminError
from mokmin.gateway.errors import ProviderTimeout, ProviderUnavailable, UpstreamRateLimited, UpstreamRejected
from mokmin.gateway.providers.base import Provider
from mokmin.gateway.retry import (
    FallbackChain,
    RouteTarget,
    backoff_delay,
    chat_with_retries,
    stream_with_retries,
)
from mokmin.gateway.types import (
    ChatChunk,
    ChatMessage,
    ChatRequest,
    ChatResult,
    ModelInfo,
    ProviderConfig,
    ProviderKind,
    RetryPolicy,
    Timeouts,
    Usage,
)

REQUEST = ChatRequest(model="m", messages=[ChatMessage(role="user", content="hi")])


class Scripted(Provider):
    """Raises the scripted errors in order, then answers; ``fail_mid_stream`` breaks after one chunk."""

    kind = ProviderKind.OPENAI

    def __init__(
        self,
        name: str,
        errors: list[MokminError],
        *,
        fail_mid_stream: bool = False,
        hang: bool = False,
        retry: RetryPolicy | None = None,
    ) -> None:
        super().__init__(
            ProviderConfig(
                name=name,
                kind="openai",
                locality="external",
                models=[ModelInfo(name="m", context_length=100)],
                retry=retry or RetryPolicy(max_retries=2, base_delay=1, max_delay=4),
                timeouts=Timeouts(read=0.1, total=1),
            )
        )
        self.errors, self.calls, self.fail_mid_stream, self.hang = list(errors), 0, fail_mid_stream, hang

    async def chat(self, request: ChatRequest) -> ChatResult:
        self.calls += 1
        if self.hang:
            await asyncio.sleep(10)
        if self.errors:
            raise self.errors.pop(0)
        return ChatResult(
            text="ok",
            input_tokens=1,
            output_tokens=1,
            finish_reason="stop",
            model=request.model,
            provider=self.name,
        )

    async def stream(self, request: ChatRequest) -> AsyncGenerator[ChatChunk, None]:
        self.calls += 1
        if self.hang:
            await asyncio.sleep(10)
        if self.errors and not self.fail_mid_stream:
            raise self.errors.pop(0)
        yield ChatChunk(text="첫")
        if self.errors:
            raise self.errors.pop(0)
        yield ChatChunk(finish_reason="stop", usage=Usage(input_tokens=1, output_tokens=1))


class Sleeps(list[float]):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def test_backoff_doubles_with_jitter_and_respects_caps() -> None:
    policy = RetryPolicy(base_delay=1, max_delay=4)
    for attempt, ceiling in [(0, 1), (1, 2), (2, 4), (5, 4)]:
        delay = backoff_delay(policy, attempt)
        assert ceiling / 2 <= delay <= ceiling
    assert backoff_delay(policy, 0, retry_after=3) == 3
    assert backoff_delay(policy, 0, retry_after=60) == 4


def test_5xx_is_retried_with_backoff_then_succeeds() -> None:
    p = Scripted("a", [ProviderUnavailable("a", "HTTP 500"), ProviderUnavailable("a", "HTTP 502")])
    sleeps = Sleeps()
    assert asyncio.run(chat_with_retries(p, REQUEST, sleep=sleeps)).text == "ok"
    assert p.calls == 3 and len(sleeps) == 2 and 0.5 <= sleeps[0] <= 1 and 1 <= sleeps[1] <= 2


def test_request_errors_are_never_retried() -> None:
    p = Scripted("a", [UpstreamRejected("a", "bad")])
    with pytest.raises(UpstreamRejected):
        asyncio.run(chat_with_retries(p, REQUEST, sleep=Sleeps()))
    assert p.calls == 1


def test_total_timeout_bounds_a_hanging_provider() -> None:
    p = Scripted("slow", [], hang=True)
    with pytest.raises(ProviderTimeout) as caught:
        asyncio.run(chat_with_retries(p, REQUEST))
    assert "slow" in caught.value.message and "1초" in caught.value.message
    with pytest.raises(ProviderTimeout) as first:
        asyncio.run(_collect(stream_with_retries(p, REQUEST)))
    assert "첫 응답" in first.value.message


def test_stream_is_not_retried_once_text_was_sent() -> None:
    p = Scripted("a", [ProviderUnavailable("a", "reset")], fail_mid_stream=True)
    chunks: list[ChatChunk] = []

    async def main() -> None:
        async for chunk in stream_with_retries(p, REQUEST, sleep=Sleeps()):
            chunks.append(chunk)

    with pytest.raises(ProviderUnavailable):
        asyncio.run(main())
    assert [c.text for c in chunks] == ["첫"] and p.calls == 1


def test_chain_skips_failed_providers_and_reports_who_answered() -> None:
    a = Scripted("a", [UpstreamRateLimited("a", 100)])  # asks for a longer pause than allowed: next one
    b = Scripted("b", [])
    chain = FallbackChain([RouteTarget(a, "m"), RouteTarget(b, "m")], sleep=Sleeps())
    assert asyncio.run(chain.chat(REQUEST)).provider == "b"
    assert a.calls == 1

    stream = FallbackChain(
        [
            RouteTarget(Scripted("c", [ProviderUnavailable("c", "x")] * 3), "m"),
            RouteTarget(Scripted("d", []), "m"),
        ],
        sleep=Sleeps(),
    ).stream(REQUEST)
    chunks = asyncio.run(_collect(stream))
    assert chunks[-1].usage is not None
    assert stream.answered_by is not None and stream.answered_by.provider.name == "d"
    assert [f.provider for f in stream.failures] == ["c"]


def test_single_target_chain_keeps_the_original_error() -> None:
    chain = FallbackChain([RouteTarget(Scripted("a", [UpstreamRateLimited("a")] * 3), "m")], sleep=Sleeps())
    with pytest.raises(UpstreamRateLimited):
        asyncio.run(chain.chat(REQUEST))


async def _collect(chunks: object) -> list[ChatChunk]:
    return [c async for c in chunks]  # type: ignore[attr-defined]
