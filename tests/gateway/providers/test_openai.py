"""The OpenAI provider against a local server speaking OpenAI's chat completions wire format."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from mokmin.gateway.errors import (
    AllProvidersFailed,
    CapabilityMissing,
    ContextTooLong,
    ProviderTimeout,
    ProviderUnavailable,
    UnknownModel,
    UpstreamRateLimited,
)
from mokmin.gateway.providers.openai import OpenAIProvider
from mokmin.gateway.registry import build_provider
from mokmin.gateway.retry import FallbackChain, RouteTarget, chat_with_retries, stream_with_retries
from mokmin.gateway.types import Capabilities, ChatChunk, ChatMessage, ChatRequest, Timeouts
from tests.fixtures.fake_upstreams import DEFAULT_REPLY, FakeUpstream, fake_embedding, provider_config

REQUEST = ChatRequest(
    model="fake-gpt",
    messages=[{"role": "system", "content": "짧게 답하세요"}, {"role": "user", "content": "안녕 하세요"}],  # type: ignore[list-item]
)


def provider(upstream: FakeUpstream, **overrides: Any) -> OpenAIProvider:
    built = build_provider(provider_config(upstream, "openai", **overrides))
    assert isinstance(built, OpenAIProvider)
    return built


async def collect(chunks: Any) -> list[ChatChunk]:
    return [chunk async for chunk in chunks]


def test_chat_returns_text_usage_and_sends_openai_fields(upstream: FakeUpstream) -> None:
    upstream.api_key = "sk-test"

    async def main() -> None:
        p = provider(upstream)
        result = await p.chat(
            REQUEST.model_copy(update={"max_tokens": 50, "temperature": 0.2, "stop": ["!"]})
        )
        await p.aclose()
        assert result.text == DEFAULT_REPLY
        assert (result.input_tokens, result.output_tokens) == (3 + 2 + 3 + 2, len(DEFAULT_REPLY.split()))
        assert result.finish_reason == "stop"
        assert (result.provider, result.model) == ("fake-openai", "fake-gpt")

    asyncio.run(main())
    sent = upstream.chat_requests()[0]
    assert sent.headers["authorization"] == "Bearer sk-test"
    assert sent.body["max_completion_tokens"] == 50
    assert "max_tokens" not in sent.body
    assert sent.body["stop"] == ["!"]
    assert sent.body["messages"][0] == {"role": "system", "content": "짧게 답하세요"}


def test_max_tokens_cuts_the_answer_with_length(upstream: FakeUpstream) -> None:
    async def main() -> None:
        p = provider(upstream)
        result = await p.chat(REQUEST.model_copy(update={"max_tokens": 2}))
        await p.aclose()
        assert result.finish_reason == "length"
        assert result.output_tokens == 2

    asyncio.run(main())


def test_stream_yields_text_then_one_final_usage_chunk(upstream: FakeUpstream) -> None:
    async def main() -> list[ChatChunk]:
        p = provider(upstream)
        chunks = await collect(p.stream(REQUEST))
        await p.aclose()
        return chunks

    chunks = asyncio.run(main())
    assert "".join(c.text for c in chunks) == DEFAULT_REPLY
    assert len(chunks) == len(DEFAULT_REPLY.split()) + 1
    final = chunks[-1]
    assert final.is_final and final.finish_reason == "stop"
    assert final.usage is not None and not final.usage.estimated
    assert final.usage.output_tokens == len(DEFAULT_REPLY.split())
    assert all(c.usage is None for c in chunks[:-1])
    sent = upstream.chat_requests()[0].body
    assert sent["stream"] is True and sent["stream_options"] == {"include_usage": True}


def test_rate_limited_then_success_is_retried(upstream: FakeUpstream) -> None:
    upstream.fail_next(429, times=2, retry_after=0)

    async def main() -> str:
        p = provider(upstream)
        result = await chat_with_retries(p, REQUEST)
        await p.aclose()
        return result.text

    assert asyncio.run(main()) == DEFAULT_REPLY
    assert len(upstream.chat_requests()) == 3


def test_rate_limit_that_outlasts_retries_names_the_provider(upstream: FakeUpstream) -> None:
    upstream.fail_next(429, times=3)

    async def main() -> None:
        p = provider(upstream)
        with pytest.raises(UpstreamRateLimited) as caught:
            await chat_with_retries(p, REQUEST)
        await p.aclose()
        assert caught.value.status == 429
        assert "fake-openai" in caught.value.message

    asyncio.run(main())
    assert len(upstream.chat_requests()) == 3


def test_stream_is_retried_after_429_before_any_text(upstream: FakeUpstream) -> None:
    upstream.fail_next(429)

    async def main() -> list[ChatChunk]:
        p = provider(upstream)
        chunks = await collect(stream_with_retries(p, REQUEST))
        await p.aclose()
        return chunks

    assert "".join(c.text for c in asyncio.run(main())) == DEFAULT_REPLY


def test_server_error_falls_back_to_the_next_provider(upstream: FakeUpstream) -> None:
    upstream.fail_next(500, times=3)  # first provider: one try and two retries

    async def main() -> None:
        first, second = provider(upstream, name="primary"), provider(upstream, name="backup")
        chain = FallbackChain([RouteTarget(first, "fake-gpt"), RouteTarget(second, "fake-gpt")])
        result = await chain.chat(REQUEST)
        assert result.provider == "backup"
        assert result.text == DEFAULT_REPLY
        await first.aclose()
        await second.aclose()

    asyncio.run(main())
    assert len(upstream.chat_requests()) == 4


def test_when_every_provider_fails_the_message_names_each(upstream: FakeUpstream) -> None:
    upstream.fail_next(503, times=20)

    async def main() -> None:
        first, second = provider(upstream, name="primary"), provider(upstream, name="backup")
        chain = FallbackChain([RouteTarget(first, "fake-gpt"), RouteTarget(second, "fake-gpt")])
        with pytest.raises(AllProvidersFailed) as caught:
            await chain.chat(REQUEST)
        assert "primary" in caught.value.message and "backup" in caught.value.message
        assert "HTTP 503" in caught.value.message
        assert caught.value.status == 503
        stream = chain.stream(REQUEST)
        with pytest.raises(AllProvidersFailed):
            await collect(stream)
        assert [f.provider for f in stream.failures] == ["primary", "backup"]
        await first.aclose()
        await second.aclose()

    asyncio.run(main())


def test_slow_upstream_times_out_with_a_clear_message(upstream: FakeUpstream) -> None:
    upstream.delay_next(3.0, times=2)
    timeouts = Timeouts(connect=1, read=0.2, total=5)

    async def main() -> None:
        p = provider(upstream, timeouts=timeouts)
        with pytest.raises(ProviderTimeout) as caught:
            await chat_with_retries(p, REQUEST)
        assert caught.value.status == 504
        assert "fake-openai" in caught.value.message and "0.2초" in caught.value.message
        with pytest.raises(ProviderTimeout):
            await collect(stream_with_retries(p, REQUEST))
        await p.aclose()

    asyncio.run(main())
    assert len(upstream.chat_requests()) == 2  # a timeout is not retried on the same provider


def test_stalled_stream_times_out_between_chunks(upstream: FakeUpstream) -> None:
    upstream.chunk_delay = 1.0

    async def main() -> None:
        p = provider(upstream, timeouts=Timeouts(connect=1, read=5, total=0.3))
        with pytest.raises(ProviderTimeout) as caught:
            await collect(stream_with_retries(p, REQUEST))
        assert "0.3초" in caught.value.message
        await p.aclose()

    asyncio.run(main())


def test_unreachable_upstream_is_unavailable(upstream: FakeUpstream) -> None:
    async def main() -> None:
        p = provider(upstream, base_url="http://127.0.0.1:9/v1")
        with pytest.raises(ProviderUnavailable) as caught:
            await p.chat(REQUEST)
        assert caught.value.status == 503 and "연결 실패" in caught.value.message
        await p.aclose()

    asyncio.run(main())


def test_rejected_key_is_not_retried_but_allows_fallback(upstream: FakeUpstream) -> None:
    upstream.api_key = "right"

    async def main() -> None:
        p = provider(upstream, api_key="wrong")
        with pytest.raises(ProviderUnavailable) as caught:
            await chat_with_retries(p, REQUEST)
        assert "API 키" in caught.value.message and not caught.value.retryable and caught.value.fallback
        await p.aclose()

    asyncio.run(main())
    assert len(upstream.chat_requests()) == 1


def test_context_too_long_is_a_400_that_does_not_fall_back(upstream: FakeUpstream) -> None:
    upstream.context_length = 20
    long = REQUEST.model_copy(update={"messages": [ChatMessage(role="user", content="말 " * 50)]})

    async def main() -> None:
        p = provider(upstream)
        chain = FallbackChain([RouteTarget(p, "fake-gpt"), RouteTarget(p, "fake-gpt")])
        with pytest.raises(ContextTooLong) as caught:
            await chain.chat(long)
        assert caught.value.status == 400 and caught.value.code == "context_length_exceeded"
        await p.aclose()

    asyncio.run(main())
    assert len(upstream.chat_requests()) == 1


def test_unknown_model_never_reaches_the_upstream(upstream: FakeUpstream) -> None:
    async def main() -> None:
        p = provider(upstream)
        with pytest.raises(UnknownModel):
            await p.chat(REQUEST.model_copy(update={"model": "gpt-unknown"}))
        await p.aclose()

    asyncio.run(main())
    assert upstream.chat_requests() == []


def test_embeddings_when_declared(upstream: FakeUpstream) -> None:
    async def main() -> None:
        p = provider(upstream, capabilities=Capabilities(embeddings=True))
        vectors = await p.embed(["하나", "둘"], "fake-gpt")
        assert len(vectors) == 2
        assert vectors[0] == pytest.approx(fake_embedding("하나"), abs=1e-6)
        assert vectors[1] == pytest.approx(fake_embedding("둘"), abs=1e-6)
        plain = provider(upstream)
        with pytest.raises(CapabilityMissing):
            await plain.embed(["하나"], "fake-gpt")
        await p.aclose()
        await plain.aclose()

    asyncio.run(main())
