"""The OpenAI-compatible provider (a lean HTTP client): vLLM, Ollama or llama.cpp's server at a base URL.

Most tests run against the fake upstream speaking OpenAI's real wire format; a few use a raw socket server
to send what the fake upstream never does (broken JSON, an error event mid-stream, a stream that hangs).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from pydantic import ValidationError

from mokmin.gateway.errors import (
    CapabilityMissing,
    ContextTooLong,
    ProviderTimeout,
    ProviderUnavailable,
    UpstreamRateLimited,
    UpstreamRejected,
)
from mokmin.gateway.providers import sse
from mokmin.gateway.providers.openai_compatible import OpenAICompatibleProvider
from mokmin.gateway.registry import build_provider
from mokmin.gateway.retry import FallbackChain, RouteTarget, chat_with_retries, stream_with_retries
from mokmin.gateway.types import (
    Capabilities,
    ChatChunk,
    ChatMessage,
    ChatRequest,
    ModelInfo,
    ProviderConfig,
    Timeouts,
)
from tests.fixtures.fake_upstreams import DEFAULT_REPLY, FakeUpstream, fake_embedding, provider_config
from tests.fixtures.raw_http import Serve, read_request, server

REQUEST = ChatRequest(
    model="fake-gpt", messages=[ChatMessage(role="user", content="hello there")], max_tokens=5
)
WORDS = len(DEFAULT_REPLY.split())


def provider(upstream: FakeUpstream, **overrides: Any) -> OpenAICompatibleProvider:
    built = build_provider(provider_config(upstream, "openai-compatible", **overrides))
    assert isinstance(built, OpenAICompatibleProvider)
    return built


async def collect(chunks: Any) -> list[ChatChunk]:
    return [chunk async for chunk in chunks]


async def streamed(upstream: FakeUpstream, max_tokens: int | None) -> list[ChatChunk]:
    """Every chunk of one streamed reply to ``REQUEST`` (with ``max_tokens``) from a fresh provider."""
    p = provider(upstream)
    chunks = await collect(p.stream(REQUEST.model_copy(update={"max_tokens": max_tokens})))
    await p.aclose()
    return chunks


# --- a raw HTTP/1.1 server for answers the fake upstream never gives ---------------------------------------


@asynccontextmanager
async def raw_server(handler: Serve) -> AsyncIterator[str]:
    """Serve ``handler`` on 127.0.0.1 (after the request head and body are read); yields the ``/v1`` URL."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await handler(reader, writer)

    async with server(serve) as base:
        yield f"{base}/v1"


def raw_config(base_url: str, **overrides: Any) -> ProviderConfig:
    settings: dict[str, Any] = {
        "name": "raw",
        "kind": "openai-compatible",
        "locality": "local",
        "base_url": base_url,
        "models": [ModelInfo(name="fake-gpt", context_length=4096)],
        "timeouts": Timeouts(connect=1, read=2, total=5),
    }
    return ProviderConfig.model_validate(settings | overrides)


def answer(status: int, body: bytes, content_type: bytes = b"application/json") -> bytes:
    return (
        b"HTTP/1.1 %d X\r\ncontent-type: %s\r\ncontent-length: %d\r\nconnection: close\r\n\r\n"
        % (status, content_type, len(body))
        + body
    )


# --- plain chat ---------------------------------------------------------------------------------------------


def test_sends_max_tokens_and_no_key(upstream: FakeUpstream) -> None:
    async def main() -> None:
        p = provider(upstream)
        result = await p.chat(REQUEST.model_copy(update={"temperature": 0.2, "stop": ["!"], "seed": 7}))
        await p.aclose()
        assert result.output_tokens == 5 and result.finish_reason == "length"
        assert result.input_tokens == 3 + 2 and not result.usage_estimated
        assert result.text == " ".join(DEFAULT_REPLY.split(" ")[:5])

    asyncio.run(main())
    sent = upstream.chat_requests()[0]
    assert sent.body == {
        "model": "fake-gpt",
        "messages": [{"role": "user", "content": "hello there"}],
        "max_tokens": 5,
        "temperature": 0.2,
        "stop": ["!"],
        "seed": 7,
    }
    assert "authorization" not in sent.headers


def test_plain_answer_text_and_usage_and_key(upstream: FakeUpstream) -> None:
    upstream.api_key = "sk-local"

    async def main() -> None:
        p = provider(upstream, api_key="sk-local")
        result = await p.chat(REQUEST.model_copy(update={"max_tokens": None}))
        # A second call reuses the pooled connection and still answers.
        again = await p.chat(REQUEST.model_copy(update={"max_tokens": None}))
        await p.aclose()
        assert result.text == DEFAULT_REPLY == again.text
        assert (result.output_tokens, result.finish_reason) == (WORDS, "stop")
        assert (result.provider, result.model) == ("fake-openai-compatible", "fake-gpt")

    asyncio.run(main())
    assert upstream.chat_requests()[0].headers["authorization"] == "Bearer sk-local"


def test_model_alias_maps_to_the_upstream_id(upstream: FakeUpstream) -> None:
    models = [ModelInfo(name="local-small", upstream="fake-gpt", context_length=4096)]

    async def main() -> None:
        p = provider(upstream, models=models)
        result = await p.chat(REQUEST.model_copy(update={"model": "local-small"}))
        await p.aclose()
        assert result.model == "local-small"

    asyncio.run(main())
    assert upstream.chat_requests()[0].body["model"] == "fake-gpt"


# --- streams ------------------------------------------------------------------------------------------------


def test_stream_with_usage_from_the_server(upstream: FakeUpstream) -> None:
    chunks = asyncio.run(streamed(upstream, max_tokens=None))
    # Words that arrive in one read come on as one chunk (see the next test for words that arrive apart).
    assert "".join(c.text for c in chunks[:-1]) == DEFAULT_REPLY and all(c.text for c in chunks[:-1])
    final = chunks[-1]
    assert final.finish_reason == "stop" and final.text == ""
    assert final.usage is not None and not final.usage.estimated
    assert (final.usage.input_tokens, final.usage.output_tokens) == (5, WORDS)
    assert all(c.usage is None for c in chunks[:-1])
    sent = upstream.chat_requests()[0].body
    assert sent["stream"] is True and sent["stream_options"] == {"include_usage": True}


def test_words_that_arrive_apart_stream_apart(upstream: FakeUpstream) -> None:
    upstream.chunk_delay = 0.02
    chunks = asyncio.run(streamed(upstream, max_tokens=None))
    assert [c.text for c in chunks[:-1]] == [DEFAULT_REPLY.split(" ")[0]] + [
        " " + w for w in DEFAULT_REPLY.split(" ")[1:]
    ]


def test_stream_cut_by_max_tokens_ends_with_length(upstream: FakeUpstream) -> None:
    chunks = asyncio.run(streamed(upstream, max_tokens=2))
    assert "".join(c.text for c in chunks[:-1]) == " ".join(DEFAULT_REPLY.split(" ")[:2])
    assert chunks[-1].finish_reason == "length"
    assert chunks[-1].usage is not None and chunks[-1].usage.output_tokens == 2


def test_stream_without_usage_from_the_server_is_estimated_and_marked(upstream: FakeUpstream) -> None:
    upstream.honour_include_usage = False

    chunks = asyncio.run(streamed(upstream, max_tokens=None))
    assert "".join(c.text for c in chunks) == DEFAULT_REPLY
    usage = chunks[-1].usage
    assert usage is not None and usage.estimated
    assert usage.input_tokens > 0 and usage.output_tokens > 0


def test_sse_decoder_handles_any_split_crlf_comments_and_multiline_data() -> None:
    wire = (
        b': keep-alive\r\n\r\nevent: x\r\ndata: {"a":1}\r\n\r\ndata:{"b":\ndata: 2}\n\nid: 3\n\ndata: [DONE]'
    )

    async def main() -> list[list[bytes]]:
        results = []
        for size in (1, 2, 5, len(wire)):
            pieces = [wire[i : i + size] for i in range(0, len(wire), size)]

            async def chunks(parts: list[bytes] = pieces) -> AsyncIterator[bytes]:
                for part in parts:
                    yield part

            results.append([data async for data in sse.data_events(chunks())])
        return results

    for events in asyncio.run(main()):
        assert events == [b'{"a":1}', b'{"b":\n2}', sse.DONE]


def test_sse_batches_keep_what_arrived_together() -> None:
    async def pieces() -> AsyncIterator[bytes]:
        for piece in (b"data: a\n\ndata: b\n\nda", b"ta: c\n", b"\n", b": ping\n\n", b"data: [DONE]"):
            yield piece

    async def main() -> list[list[bytes]]:
        return [batch async for batch in sse.data_batches(pieces())]

    assert asyncio.run(main()) == [[b"a", b"b"], [b"c"], [sse.DONE]]


# --- embeddings ---------------------------------------------------------------------------------------------


def test_embeddings_when_declared(upstream: FakeUpstream) -> None:
    async def main() -> None:
        p = provider(upstream, capabilities=Capabilities(embeddings=True))
        vectors = await p.embed(["하나", "둘"], "fake-gpt")
        plain = provider(upstream)
        with pytest.raises(CapabilityMissing):
            await plain.embed(["하나"], "fake-gpt")
        await p.aclose()
        await plain.aclose()
        assert vectors == [pytest.approx(fake_embedding("하나")), pytest.approx(fake_embedding("둘"))]
        assert all(isinstance(v, float) for v in vectors[0])

    asyncio.run(main())
    sent = [r for r in upstream.requests if r.path == "/v1/embeddings"]
    assert len(sent) == 1 and sent[0].body["input"] == ["하나", "둘"]


# --- failures -----------------------------------------------------------------------------------------------


def test_429_with_retry_after_is_retried(upstream: FakeUpstream) -> None:
    upstream.fail_next(429, times=2, retry_after=0)

    async def main() -> None:
        p = provider(upstream)
        with pytest.raises(UpstreamRateLimited) as caught:
            await p.chat(REQUEST)
        assert caught.value.retry_after == 0 and caught.value.retryable
        result = await chat_with_retries(p, REQUEST)
        chunks = await collect(stream_with_retries(p, REQUEST.model_copy(update={"max_tokens": None})))
        await p.aclose()
        assert result.finish_reason == "length"
        assert "".join(c.text for c in chunks) == DEFAULT_REPLY

    asyncio.run(main())
    assert len(upstream.chat_requests()) == 4


def test_500_falls_back_to_the_next_provider(upstream: FakeUpstream) -> None:
    upstream.fail_next(500, times=3)  # the first provider: one try and two retries

    async def main() -> None:
        first, second = provider(upstream, name="vllm"), provider(upstream, name="ollama")
        result = await FallbackChain([RouteTarget(first, "fake-gpt"), RouteTarget(second, "fake-gpt")]).chat(
            REQUEST
        )
        await first.aclose()
        await second.aclose()
        assert result.provider == "ollama"

    asyncio.run(main())
    assert len(upstream.chat_requests()) == 4


def test_500_on_a_stream_is_unavailable(upstream: FakeUpstream) -> None:
    upstream.fail_next(503)

    async def main() -> None:
        p = provider(upstream)
        with pytest.raises(ProviderUnavailable) as caught:
            await collect(p.stream(REQUEST))
        await p.aclose()
        assert "HTTP 503" in caught.value.message and caught.value.retryable

    asyncio.run(main())


def test_compatible_server_down_falls_back_to_the_next(upstream: FakeUpstream) -> None:
    async def main() -> None:
        down = provider(upstream, name="vllm", base_url="http://127.0.0.1:9/v1")
        with pytest.raises(ProviderUnavailable) as caught:
            await down.chat(REQUEST)
        assert caught.value.status == 503 and "연결 실패" in caught.value.message
        with pytest.raises(ProviderUnavailable):
            await collect(down.stream(REQUEST))
        up = provider(upstream, name="ollama")
        result = await FallbackChain([RouteTarget(down, "fake-gpt"), RouteTarget(up, "fake-gpt")]).chat(
            REQUEST
        )
        assert result.provider == "ollama"
        await down.aclose()
        await up.aclose()

    asyncio.run(main())


def test_slow_upstream_times_out(upstream: FakeUpstream) -> None:
    upstream.delay_next(3.0, times=2)

    async def main() -> None:
        p = provider(upstream, timeouts=Timeouts(connect=1, read=0.2, total=5))
        with pytest.raises(ProviderTimeout) as caught:
            await p.chat(REQUEST)
        assert caught.value.status == 504 and "0.2초" in caught.value.message
        with pytest.raises(ProviderTimeout):
            await collect(p.stream(REQUEST))
        await p.aclose()

    asyncio.run(main())


def test_context_too_long_is_a_400_that_does_not_fall_back(upstream: FakeUpstream) -> None:
    upstream.context_length = 20
    long = REQUEST.model_copy(update={"messages": [ChatMessage(role="user", content="말 " * 50)]})

    async def main() -> None:
        p = provider(upstream)
        chain = FallbackChain([RouteTarget(p, "fake-gpt"), RouteTarget(p, "fake-gpt")])
        with pytest.raises(ContextTooLong) as caught:
            await chain.chat(long)
        assert caught.value.status == 400 and caught.value.code == "context_length_exceeded"
        with pytest.raises(ContextTooLong):
            await collect(p.stream(long))
        await p.aclose()

    asyncio.run(main())
    assert len(upstream.chat_requests()) == 2


def test_other_4xx_is_rejected_with_the_upstream_message(upstream: FakeUpstream) -> None:
    upstream.fail_next(422)

    async def main() -> None:
        p = provider(upstream)
        with pytest.raises(UpstreamRejected) as caught:
            await p.chat(REQUEST)
        await p.aclose()
        assert "Fake error 422" in caught.value.message and not caught.value.fallback

    asyncio.run(main())


def test_ollama_style_string_error_and_plain_text_errors_keep_the_words() -> None:
    bodies = [b'{"error":"maximum context length is 2048 tokens"}', b"prompt is too long for this model"]

    async def main() -> None:
        for body in bodies:

            async def handler(
                reader: asyncio.StreamReader, writer: asyncio.StreamWriter, b: bytes = body
            ) -> None:
                writer.write(answer(400, b, b"text/plain"))
                await writer.drain()

            async with raw_server(handler) as base:
                p = OpenAICompatibleProvider(raw_config(base))
                with pytest.raises(ContextTooLong):
                    await p.chat(REQUEST)
                await p.aclose()

    asyncio.run(main())


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'["a list"]', b'{"choices": []}', b'{"choices": [{"message": null}]}'],
)
def test_bad_json_from_upstream_is_malformed_and_not_retried(body: bytes) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(answer(200, body))
        await writer.drain()

    async def main() -> None:
        async with raw_server(handler) as base:
            p = OpenAICompatibleProvider(raw_config(base))
            with pytest.raises(ProviderUnavailable) as caught:
                await p.chat(REQUEST)
            await p.aclose()
        assert "응답 형식" in caught.value.message
        assert caught.value.status == 502 and not caught.value.retryable and caught.value.fallback

    asyncio.run(main())


def sse_answer(*events: bytes) -> bytes:
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n"
    return head + b"".join(b"data: " + e + b"\n\n" for e in events)


@pytest.mark.parametrize(
    ("event", "words"),
    [
        (b"{broken", "JSONDecodeError"),
        (b'{"error": {"message": "CUDA out of memory"}}', "CUDA out of memory"),
    ],
)
def test_bad_event_in_a_stream_is_malformed(event: bytes, words: str) -> None:
    good = b'{"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]}'

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(sse_answer(good, event, b"[DONE]"))
        await writer.drain()

    async def main() -> list[ChatChunk]:
        seen: list[ChatChunk] = []
        async with raw_server(handler) as base:
            p = OpenAICompatibleProvider(raw_config(base))
            with pytest.raises(ProviderUnavailable) as caught:
                async for chunk in p.stream(REQUEST):
                    seen.append(chunk)
            await p.aclose()
        assert words in caught.value.message and not caught.value.retryable
        return seen

    assert [c.text for c in asyncio.run(main())] == ["hi"]


def test_client_cancellation_closes_the_upstream_stream() -> None:
    async def main() -> None:
        upstream_closed = asyncio.Event()

        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(sse_answer(b'{"choices":[{"index":0,"delta":{"content":"first"}}]}'))
            await writer.drain()
            # The server would go on generating; it only learns of the client leaving from EOF.
            assert await reader.read() == b""
            upstream_closed.set()

        async with raw_server(handler) as base:
            p = OpenAICompatibleProvider(raw_config(base))
            chunks = p.stream(REQUEST)
            assert (await anext(chunks)).text == "first"
            await chunks.aclose()  # what the /v1 layer does when its client disconnects
            await asyncio.wait_for(upstream_closed.wait(), 2)

            # A task cancelled while it waits for the next chunk closes the stream too.
            upstream_closed.clear()
            chunks = p.stream(REQUEST)
            assert (await anext(chunks)).text == "first"
            waiting = asyncio.ensure_future(anext(chunks))
            await asyncio.sleep(0.05)
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            await asyncio.wait_for(upstream_closed.wait(), 2)
            await p.aclose()

    asyncio.run(main())


def test_base_url_is_required() -> None:
    with pytest.raises(ValidationError, match="base_url"):
        ProviderConfig(
            name="x",
            kind="openai-compatible",
            locality="local",
            models=[ModelInfo(name="m", context_length=100)],
        )


def test_streams_reuse_one_keep_alive_connection() -> None:
    event = b'data: {"choices":[{"index":0,"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n'
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(event), event)
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
    connections = 0
    finished = asyncio.Event()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        try:
            while True:
                request = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(v)
                    for k, v in (h.split(b":", 1) for h in request.split(b"\r\n")[1:-2])
                    if k.lower() == b"content-length"
                )
                await reader.readexactly(length)
                writer.write(head + chunked)
                await writer.drain()
        except asyncio.IncompleteReadError:  # the client closed its connection
            pass
        finally:
            writer.close()
            await writer.wait_closed()
            finished.set()

    async def main() -> None:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        p = OpenAICompatibleProvider(raw_config(f"http://127.0.0.1:{port}/v1"))
        for _ in range(3):
            assert "".join(c.text for c in await collect(p.stream(REQUEST))) == "hi"
        await p.aclose()
        await asyncio.wait_for(finished.wait(), 2)
        server.close()
        await server.wait_closed()

    asyncio.run(main())
    assert connections == 1
