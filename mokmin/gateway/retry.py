"""Bounded waiting: timeouts, retries with exponential backoff, and fallback to the next provider.

A user never waits longer than the provider's ``timeouts.total`` for one provider (backoff sleeps included)
and never sees a hang: every way out is a ``gateway.errors`` error that names the provider and what failed.

* Same provider again (``retryable``): 429, 5xx and refused connections, up to ``retry.max_retries``
  times, waiting ``base_delay * 2**attempt`` (capped at ``max_delay``, with jitter) or the upstream's
  ``Retry-After`` when it is shorter than the cap.
* Next provider (``fallback``): everything above once retries are spent, plus timeouts, rejected keys and
  missing models. Errors about the request itself (context too long, invalid field) go straight back.
* A stream is retried or handed to the next provider only before its first chunk: once text has reached
  the user, switching models would splice two answers.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from dataclasses import dataclass

from mokmin.core.errors import MokminError
from mokmin.gateway.errors import (
    AllProvidersFailed,
    ProviderTimeout,
    ProviderUnavailable,
    UpstreamRateLimited,
    is_retryable,
)
from mokmin.gateway.providers.base import Provider
from mokmin.gateway.types import ChatChunk, ChatRequest, ChatResult, RetryPolicy

Sleep = Callable[[float], Awaitable[None]]


def backoff_delay(policy: RetryPolicy, attempt: int, retry_after: float | None = None) -> float:
    """Seconds to wait before retry number ``attempt + 1`` (equal jitter: between half and all of it)."""
    if retry_after is not None:
        return min(retry_after, policy.max_delay)
    ceiling = min(policy.max_delay, policy.base_delay * 2.0**attempt)
    return ceiling / 2 + random.random() * ceiling / 2


def _should_retry(error: MokminError, policy: RetryPolicy, attempt: int) -> bool:
    if attempt >= policy.max_retries or not is_retryable(error):
        return False
    # An upstream that asks for a longer pause than we allow is better skipped for the next provider.
    retry_after = getattr(error, "retry_after", None)
    return retry_after is None or retry_after <= policy.max_delay


async def chat_with_retries(
    provider: Provider, request: ChatRequest, *, sleep: Sleep = asyncio.sleep
) -> ChatResult:
    """``provider.chat`` under its total timeout, retried per its policy."""
    policy, total = provider.config.retry, provider.config.timeouts.total
    try:
        async with asyncio.timeout(total):
            attempt = 0
            while True:
                try:
                    return await provider.chat(request)
                except MokminError as error:
                    if not _should_retry(error, policy, attempt):
                        raise
                    await sleep(backoff_delay(policy, attempt, getattr(error, "retry_after", None)))
                    attempt += 1
    except TimeoutError:
        raise ProviderTimeout(provider.name, total, "전체 응답") from None


async def stream_with_retries(
    provider: Provider, request: ChatRequest, *, sleep: Sleep = asyncio.sleep
) -> AsyncGenerator[ChatChunk, None]:
    """``provider.stream`` with a wait bound per chunk (``timeouts.read``) and overall (``timeouts.total``).

    Retried per the provider's policy until the first chunk arrives.
    """
    policy, timeouts = provider.config.retry, provider.config.timeouts
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeouts.total
    attempt = 0
    while True:
        chunks = provider.stream(request)
        started = False
        try:
            while True:
                remaining = deadline - loop.time()
                wait = min(timeouts.read, remaining)
                try:
                    async with asyncio.timeout(max(wait, 0)):
                        chunk = await anext(chunks)
                except StopAsyncIteration:
                    return
                except TimeoutError:
                    if wait >= remaining:
                        raise ProviderTimeout(provider.name, timeouts.total, "전체 응답") from None
                    what = "다음 응답 조각" if started else "첫 응답"
                    raise ProviderTimeout(provider.name, timeouts.read, what) from None
                started = True
                yield chunk
        except MokminError as error:
            if started or not _should_retry(error, policy, attempt):
                raise
            delay = backoff_delay(policy, attempt, getattr(error, "retry_after", None))
            if loop.time() + delay >= deadline:
                raise
        finally:
            await chunks.aclose()
        await sleep(delay)
        attempt += 1


@dataclass(frozen=True)
class RouteTarget:
    """One step of a fallback chain: a provider and the name of the model to ask it for."""

    provider: Provider
    model: str


def _fallback_failure(error: MokminError) -> ProviderUnavailable | UpstreamRateLimited | None:
    if isinstance(error, ProviderUnavailable | UpstreamRateLimited) and error.fallback:
        return error
    return None


def _exhausted(failures: list[ProviderUnavailable | UpstreamRateLimited]) -> MokminError:
    # With one target the original error is the clearest message (and keeps a 429 a 429).
    return failures[0] if len(failures) == 1 else AllProvidersFailed(failures)


class FallbackChain:
    """Try each target in order until one answers; failures that another provider could avoid move on."""

    def __init__(self, targets: Sequence[RouteTarget], *, sleep: Sleep = asyncio.sleep) -> None:
        if not targets:
            raise ValueError("a fallback chain needs at least one target")
        self.targets = list(targets)
        self._sleep = sleep

    async def chat(self, request: ChatRequest) -> ChatResult:
        """The first successful answer; ``ChatResult.provider`` and ``model`` say who gave it."""
        failures: list[ProviderUnavailable | UpstreamRateLimited] = []
        for target in self.targets:
            try:
                return await chat_with_retries(target.provider, _for(request, target), sleep=self._sleep)
            except MokminError as error:
                failure = _fallback_failure(error)
                if failure is None:
                    raise
                failures.append(failure)
        raise _exhausted(failures)

    def stream(self, request: ChatRequest) -> ChainStream:
        """Chunks from the first target that starts answering; see ``ChainStream.answered_by``."""
        return ChainStream(self, request)


class ChainStream:
    """An answer streamed through a fallback chain.

    ``answered_by`` is set when the first chunk arrives; ``failures`` lists the targets that failed before.
    """

    def __init__(self, chain: FallbackChain, request: ChatRequest) -> None:
        self.answered_by: RouteTarget | None = None
        self.failures: list[ProviderUnavailable | UpstreamRateLimited] = []
        self._chunks = self._run(chain, request)

    def __aiter__(self) -> ChainStream:
        return self

    async def __anext__(self) -> ChatChunk:
        return await anext(self._chunks)

    async def aclose(self) -> None:
        await self._chunks.aclose()

    async def _run(self, chain: FallbackChain, request: ChatRequest) -> AsyncGenerator[ChatChunk, None]:
        for target in chain.targets:
            chunks = stream_with_retries(target.provider, _for(request, target), sleep=chain._sleep)
            try:
                first = await anext(chunks)
            except StopAsyncIteration:
                first = None
            except MokminError as error:
                failure = _fallback_failure(error)
                if failure is None:
                    raise
                self.failures.append(failure)
                continue
            self.answered_by = target
            try:
                if first is not None:
                    yield first
                async for chunk in chunks:
                    yield chunk
            finally:
                await chunks.aclose()
            return
        raise _exhausted(self.failures)


def _for(request: ChatRequest, target: RouteTarget) -> ChatRequest:
    return request if request.model == target.model else request.model_copy(update={"model": target.model})
