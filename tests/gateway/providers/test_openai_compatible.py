"""The OpenAI-compatible provider: vLLM, Ollama or llama.cpp's server at an admin's base URL."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import ValidationError

from mokmin.gateway.providers.openai_compatible import OpenAICompatibleProvider
from mokmin.gateway.registry import build_provider
from mokmin.gateway.retry import FallbackChain, RouteTarget
from mokmin.gateway.types import ChatMessage, ChatRequest, ModelInfo, ProviderConfig
from tests.fixtures.fake_upstreams import DEFAULT_REPLY, FakeUpstream, provider_config

REQUEST = ChatRequest(
    model="fake-gpt", messages=[ChatMessage(role="user", content="hello there")], max_tokens=5
)


def test_sends_max_tokens_and_no_key(upstream: FakeUpstream) -> None:
    async def main() -> None:
        p = build_provider(provider_config(upstream, "openai-compatible"))
        assert isinstance(p, OpenAICompatibleProvider)
        result = await p.chat(REQUEST)
        await p.aclose()
        assert result.output_tokens == 5 and result.finish_reason == "length"

    asyncio.run(main())
    body = upstream.chat_requests()[0].body
    assert body["max_tokens"] == 5 and "max_completion_tokens" not in body


def test_model_alias_maps_to_the_upstream_id(upstream: FakeUpstream) -> None:
    models = [ModelInfo(name="local-small", upstream="fake-gpt", context_length=4096)]

    async def main() -> None:
        p = build_provider(provider_config(upstream, "openai-compatible", models=models))
        result = await p.chat(REQUEST.model_copy(update={"model": "local-small"}))
        await p.aclose()
        assert result.model == "local-small"

    asyncio.run(main())
    assert upstream.chat_requests()[0].body["model"] == "fake-gpt"


def test_stream_without_usage_from_the_server_is_estimated_and_marked(upstream: FakeUpstream) -> None:
    upstream.honour_include_usage = False

    async def main() -> None:
        p = build_provider(provider_config(upstream, "openai-compatible"))
        chunks = [c async for c in p.stream(REQUEST.model_copy(update={"max_tokens": None}))]
        await p.aclose()
        assert "".join(c.text for c in chunks) == DEFAULT_REPLY
        usage = chunks[-1].usage
        assert usage is not None and usage.estimated
        assert usage.input_tokens > 0 and usage.output_tokens > 0

    asyncio.run(main())


def test_compatible_server_down_falls_back_to_the_next(upstream: FakeUpstream) -> None:
    async def main() -> None:
        down = build_provider(
            provider_config(upstream, "openai-compatible", name="vllm", base_url="http://127.0.0.1:9/v1")
        )
        up = build_provider(provider_config(upstream, "openai-compatible", name="ollama"))
        result = await FallbackChain([RouteTarget(down, "fake-gpt"), RouteTarget(up, "fake-gpt")]).chat(
            REQUEST
        )
        assert result.provider == "ollama"
        await down.aclose()
        await up.aclose()

    asyncio.run(main())


def test_base_url_is_required() -> None:
    with pytest.raises(ValidationError, match="base_url"):
        ProviderConfig(
            name="x",
            kind="openai-compatible",
            locality="local",
            models=[ModelInfo(name="m", context_length=100)],
        )
