"""The Anthropic provider against a local server speaking the Messages API and its SSE events."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from mokmin.gateway.errors import ContextTooLong, ProviderTimeout, ProviderUnavailable, UpstreamRateLimited
from mokmin.gateway.providers.anthropic import AnthropicProvider
from mokmin.gateway.registry import build_provider
from mokmin.gateway.retry import FallbackChain, RouteTarget, chat_with_retries, stream_with_retries
from mokmin.gateway.types import ChatChunk, ChatMessage, ChatRequest, Timeouts
from tests.fixtures.fake_upstreams import DEFAULT_REPLY, FakeUpstream, provider_config

REQUEST = ChatRequest(
    model="fake-claude",
    messages=[
        ChatMessage(role="system", content="공문서 문체로"),
        ChatMessage(role="user", content="보도자료 초안"),
    ],
    temperature=1.5,
    stop=["END"],
)


def provider(upstream: FakeUpstream, **overrides: Any) -> AnthropicProvider:
    built = build_provider(provider_config(upstream, "anthropic", **overrides))
    assert isinstance(built, AnthropicProvider)
    return built


async def collect(chunks: Any) -> list[ChatChunk]:
    return [chunk async for chunk in chunks]


def test_chat_maps_system_and_stop_to_the_messages_api(upstream: FakeUpstream) -> None:
    upstream.api_key = "sk-ant-test"

    async def main() -> None:
        p = provider(upstream)
        result = await p.chat(REQUEST)
        await p.aclose()
        assert result.text == DEFAULT_REPLY
        assert result.input_tokens == 2 + 3 + 2  # system words, then one message
        assert result.output_tokens == len(DEFAULT_REPLY.split())
        assert result.finish_reason == "stop"

    asyncio.run(main())
    sent = upstream.chat_requests()[0]
    assert "sk-ant-test" in (sent.headers.get("x-api-key"), sent.headers.get("authorization", "")[7:])
    assert sent.body["system"] == "공문서 문체로"
    assert sent.body["messages"] == [{"role": "user", "content": "보도자료 초안"}]
    assert sent.body["stop_sequences"] == ["END"]
    assert "temperature" not in sent.body  # the Messages API takes no sampling parameters any more
    assert sent.body["max_tokens"] == 4096


def test_max_tokens_reason_is_length(upstream: FakeUpstream) -> None:
    async def main() -> None:
        p = provider(upstream)
        result = await p.chat(REQUEST.model_copy(update={"max_tokens": 3}))
        await p.aclose()
        assert (result.finish_reason, result.output_tokens) == ("length", 3)

    asyncio.run(main())


def test_stream_reads_message_start_deltas_and_message_delta_usage(upstream: FakeUpstream) -> None:
    async def main() -> list[ChatChunk]:
        p = provider(upstream)
        chunks = await collect(p.stream(REQUEST.model_copy(update={"max_tokens": 4})))
        await p.aclose()
        return chunks

    chunks = asyncio.run(main())
    assert "".join(c.text for c in chunks) == " ".join(DEFAULT_REPLY.split(" ")[:4])
    assert len(chunks) == 5
    final = chunks[-1]
    assert final.finish_reason == "length"
    assert final.usage is not None
    assert (final.usage.input_tokens, final.usage.output_tokens) == (7, 4)
    assert upstream.chat_requests()[0].body["stream"] is True


def test_429_then_success_is_retried(upstream: FakeUpstream) -> None:
    upstream.fail_next(429, retry_after=0)

    async def main() -> None:
        p = provider(upstream)
        assert (await chat_with_retries(p, REQUEST)).text == DEFAULT_REPLY
        upstream.fail_next(429, retry_after=0)
        chunks = await collect(stream_with_retries(p, REQUEST))
        assert "".join(c.text for c in chunks) == DEFAULT_REPLY
        await p.aclose()

    asyncio.run(main())
    assert len(upstream.chat_requests()) == 4


def test_retry_after_longer_than_the_policy_allows_goes_to_fallback(upstream: FakeUpstream) -> None:
    upstream.fail_next(429, retry_after=30)

    async def main() -> None:
        p = provider(upstream)
        with pytest.raises(UpstreamRateLimited) as caught:
            await chat_with_retries(p, REQUEST)
        assert caught.value.retry_after == 30
        await p.aclose()

    asyncio.run(main())
    assert len(upstream.chat_requests()) == 1


def test_overloaded_falls_back_to_another_provider(upstream: FakeUpstream) -> None:
    upstream.fail_next(529, times=3)

    async def main() -> None:
        claude = provider(upstream)
        gpt = build_provider(provider_config(upstream, "openai"))
        chain = FallbackChain([RouteTarget(claude, "fake-claude"), RouteTarget(gpt, "fake-gpt")])
        stream = chain.stream(REQUEST)
        chunks = await collect(stream)
        assert "".join(c.text for c in chunks) == DEFAULT_REPLY
        assert stream.answered_by is not None and stream.answered_by.provider is gpt
        assert [f.provider for f in stream.failures] == ["fake-anthropic"]
        assert "HTTP 529" in stream.failures[0].reason
        await claude.aclose()
        await gpt.aclose()

    asyncio.run(main())


def test_prompt_too_long_is_context_too_long(upstream: FakeUpstream) -> None:
    upstream.context_length = 16
    long = REQUEST.model_copy(update={"messages": [ChatMessage(role="user", content="단어 " * 40)]})

    async def main() -> None:
        p = provider(upstream)
        with pytest.raises(ContextTooLong):
            await p.chat(long)
        with pytest.raises(ContextTooLong):
            await collect(p.stream(long))
        await p.aclose()

    asyncio.run(main())


def test_timeout_and_bad_key_name_the_provider(upstream: FakeUpstream) -> None:
    upstream.api_key = "right"

    async def main() -> None:
        p = provider(upstream, api_key="wrong")
        with pytest.raises(ProviderUnavailable) as caught:
            await p.chat(REQUEST)
        assert "fake-anthropic" in caught.value.message and "HTTP 401" in caught.value.message
        await p.aclose()
        upstream.api_key = None
        upstream.delay_next(3.0)
        slow = provider(upstream, timeouts=Timeouts(connect=1, read=0.2, total=5))
        with pytest.raises(ProviderTimeout) as timed_out:
            await chat_with_retries(slow, REQUEST)
        assert "fake-anthropic" in timed_out.value.message
        await slow.aclose()

    asyncio.run(main())
