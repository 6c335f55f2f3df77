"""The embedded provider generates real text from the real bundled SmolLM2-135M-Instruct model."""

from __future__ import annotations

import asyncio

import pytest

from mokmin.gateway.errors import CapabilityMissing, ContextTooLong, ProviderUnavailable, UnknownModel
from mokmin.gateway.providers.embedded import EmbeddedProvider, default_embedded_config
from mokmin.gateway.registry import build_provider
from mokmin.gateway.retry import FallbackChain, RouteTarget
from mokmin.gateway.types import ChatMessage, ChatRequest, ModelInfo

MODEL = "smollm2-135m-instruct"
REQUEST = ChatRequest(
    model=MODEL,
    messages=[ChatMessage(role="user", content="What is the capital of France?")],
    max_tokens=8,
    temperature=0,
    seed=1,
)


def provider() -> EmbeddedProvider:
    built = build_provider(default_embedded_config())
    assert isinstance(built, EmbeddedProvider)
    return built


def test_default_config_is_local_and_may_take_classified_data() -> None:
    config = default_embedded_config()
    assert config.locality == "local" and config.max_data_level == "C"
    assert [m.name for m in config.models] == [MODEL]


def test_chat_generates_real_text_with_exact_usage() -> None:
    async def main() -> None:
        p = provider()
        result = await p.chat(REQUEST)
        assert result.text.strip()
        assert result.output_tokens == 8 and result.finish_reason == "length"
        assert result.input_tokens == await p.count_tokens(REQUEST)
        assert result.input_tokens > len(REQUEST.messages[0].content.split())

    asyncio.run(main())


def test_stream_matches_chat_and_ends_with_usage() -> None:
    async def main() -> None:
        p = provider()
        whole = await p.chat(REQUEST)
        chunks = [c async for c in p.stream(REQUEST)]
        assert "".join(c.text for c in chunks) == whole.text  # temperature 0: same answer both ways
        final = chunks[-1]
        assert final.usage is not None and final.finish_reason == "length"
        assert (final.usage.input_tokens, final.usage.output_tokens) == (whole.input_tokens, 8)
        assert all(c.usage is None and c.text for c in chunks[:-1])

    asyncio.run(main())


def test_reader_that_leaves_early_stops_generation() -> None:
    async def main() -> None:
        p = provider()
        stream = p.stream(REQUEST.model_copy(update={"max_tokens": 200}))
        first = await anext(stream)
        assert first.text
        await stream.aclose()
        # The engine is free again straight away: a full request still completes.
        assert (await p.chat(REQUEST)).output_tokens == 8

    asyncio.run(main())


def test_prompt_beyond_the_context_is_refused_clearly() -> None:
    long = REQUEST.model_copy(update={"messages": [ChatMessage(role="user", content="word " * 3000)]})

    async def main() -> None:
        p = provider()
        with pytest.raises(ContextTooLong) as caught:
            await p.chat(long)
        assert caught.value.status == 400
        assert caught.value.prompt_tokens is not None and caught.value.prompt_tokens > 2048
        assert caught.value.context_length == 2048
        with pytest.raises(ContextTooLong):
            _ = [c async for c in p.stream(long)]

    asyncio.run(main())


def test_unknown_model_and_missing_capability() -> None:
    async def main() -> None:
        p = provider()
        with pytest.raises(UnknownModel):
            await p.chat(REQUEST.model_copy(update={"model": "gpt-4"}))
        with pytest.raises(CapabilityMissing):
            await p.embed(["x"], MODEL)

    asyncio.run(main())


def test_missing_gguf_file_is_unavailable_and_falls_back(tmp_path: object) -> None:
    broken = default_embedded_config("broken").model_copy(
        update={"models": [ModelInfo(name="korean", upstream="/nonexistent/model.gguf", context_length=512)]}
    )

    async def main() -> None:
        bad = build_provider(broken)
        with pytest.raises(ProviderUnavailable) as caught:
            await bad.chat(REQUEST.model_copy(update={"model": "korean"}))
        assert "broken" in caught.value.message and "/nonexistent/model.gguf" in caught.value.message
        chain = FallbackChain([RouteTarget(bad, "korean"), RouteTarget(provider(), MODEL)])
        assert (await chain.chat(REQUEST)).provider == "embedded"

    asyncio.run(main())
