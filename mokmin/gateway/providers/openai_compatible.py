"""Any server that speaks OpenAI's chat completions: vLLM, Ollama, llama.cpp's server, LM Studio, a proxy.

A lean client rather than the ``openai`` SDK: on an on-premises server the SDK's request building, response
models and per-chunk parsing were about half of the gateway's CPU per request, and httpx alone still cost
more than the rest of the gateway. Here one pool of HTTP/1.1 keep-alive connections per provider
(``providers.http11``, which hands proxies and redirects to httpx) sends a JSON body built from a dict, the
answer is read with ``json.loads`` and a stream is cut into ``data:`` events by ``providers.sse``. Failures
map exactly as the SDK-based provider maps them (``http_errors``), so retries and fallback behave the same.

Such servers differ from OpenAI in ways handled here: the older ``max_tokens`` field, an API key that may be
absent (then no ``Authorization`` header is sent), and usage that may be missing from a stream (then
estimated and marked so).
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from typing import Any

import httpx

from mokmin.core.errors import MokminError
from mokmin.gateway.providers import http11, http_errors, sse
from mokmin.gateway.providers.base import Provider, estimate_text_tokens, estimate_tokens, estimated_usage
from mokmin.gateway.types import (
    ChatChunk,
    ChatRequest,
    ChatResult,
    FinishReason,
    ModelInfo,
    ProviderConfig,
    ProviderKind,
    Usage,
)

_WIRE_ERRORS = (ValueError, KeyError, TypeError, AttributeError, IndexError)


class OpenAICompatibleProvider(Provider):
    kind = ProviderKind.OPENAI_COMPATIBLE

    def __init__(self, config: ProviderConfig) -> None:
        super().__init__(config)
        base = config.base_url
        if base is None:  # ProviderConfig refuses this kind without one; kept for a config built unchecked
            raise ValueError("an openai-compatible provider needs base_url")
        self._chat_url = f"{base}/chat/completions"
        self._embeddings_url = f"{base}/embeddings"
        headers = {"content-type": "application/json", "accept": "application/json"}
        if config.api_key is not None:
            headers["authorization"] = f"Bearer {config.api_key.get_secret_value()}"
        timeouts = config.timeouts
        self.client = http11.Client(headers, connect_timeout=timeouts.connect, read_timeout=timeouts.read)

    async def chat(self, request: ChatRequest) -> ChatResult:
        info = self.model_info(request.model)
        response = await self._send(self._chat_url, _chat_body(request, info, stream=False), info)
        try:
            choices = response["choices"]
            if not choices:
                raise http_errors.malformed(self.name, "choices가 비어 있음")
            choice = choices[0]
            text = choice["message"].get("content") or ""
            if not isinstance(text, str):
                raise TypeError("message.content")
            counted = _usage(response.get("usage"))
            finish = _finish(choice.get("finish_reason"))
        except _WIRE_ERRORS as exc:
            raise http_errors.malformed(self.name, type(exc).__name__) from exc
        return ChatResult(
            text=text,
            input_tokens=counted.input_tokens if counted else estimate_tokens(request),
            output_tokens=counted.output_tokens if counted else estimate_text_tokens(text),
            finish_reason=finish,
            model=request.model,
            provider=self.name,
            usage_estimated=counted is None,
        )

    async def stream(self, request: ChatRequest) -> AsyncGenerator[ChatChunk, None]:
        info = self.model_info(request.model)
        body = _chat_body(request, info, stream=True)
        try:
            upstream = await self.client.stream(self._chat_url, body)
        except httpx.HTTPError as exc:
            raise self._transport_error(exc) from exc
        state = _StreamState(self.name)
        produced: list[str] = []
        try:
            if upstream.status_code >= 400:
                await upstream.aread()
                raise self._status_error(upstream, info)
            # Events that arrived in one read (a busy gateway, a fast server) go on as one chunk: the text is
            # the same, and every chunk costs the same to pass on whatever its length.
            async for batch in sse.data_batches(upstream.aiter_bytes()):
                texts, failure = state.read(batch)
                if texts:  # what came before a bad event still reaches the caller
                    text = texts[0] if len(texts) == 1 else "".join(texts)
                    produced.append(text)
                    yield ChatChunk(text=text)
                if failure is not None:
                    raise failure
        except MokminError:
            raise
        except httpx.HTTPError as exc:
            raise self._transport_error(exc) from exc
        except _WIRE_ERRORS as exc:
            raise http_errors.malformed(self.name, type(exc).__name__) from exc
        finally:
            # Also on a client's cancellation (the generator is closed): the upstream stops generating.
            await upstream.aclose()
        usage = state.usage
        if usage is None:  # a server that ignores stream_options.include_usage
            usage = estimated_usage(request, produced)
        yield ChatChunk(finish_reason=state.finish, usage=usage)

    async def embed(self, texts: list[str], model: str) -> list[list[float]]:
        if not self.config.capabilities.embeddings:
            return await super().embed(texts, model)
        info = self.model_info(model)
        body = _dumps({"model": info.upstream_id, "input": texts, "encoding_format": "float"})
        reply = await self._send(self._embeddings_url, body, info)
        try:
            rows = sorted(reply["data"], key=lambda row: row["index"])
            return [[float(value) for value in row["embedding"]] for row in rows]
        except _WIRE_ERRORS as exc:
            raise http_errors.malformed(self.name, type(exc).__name__) from exc

    async def aclose(self) -> None:
        await self.client.aclose()

    async def _send(self, url: str, body: bytes, info: ModelInfo) -> dict[str, Any]:
        """POST ``body`` and return the JSON object answered, or raise the gateway error for the failure."""
        try:
            response = await self.client.post(url, body)
        except httpx.HTTPError as exc:
            raise self._transport_error(exc) from exc
        if response.status_code >= 400:
            raise self._status_error(response, info)
        try:
            answer = json.loads(response.content)
        except ValueError as exc:
            raise http_errors.malformed(self.name, type(exc).__name__) from exc
        if not isinstance(answer, dict):
            raise http_errors.malformed(self.name, type(answer).__name__)
        return answer

    def _transport_error(self, exc: httpx.HTTPError) -> MokminError:
        if isinstance(exc, httpx.TimeoutException):
            return http_errors.timed_out(self.name, self.config.timeouts.read)
        return http_errors.unreachable(self.name, type(exc).__name__)

    def _status_error(self, response: http11.Reply, info: ModelInfo) -> MokminError:
        return http_errors.from_status(
            self.name,
            info,
            response.status_code,
            _error_message(response),
            response.headers.get("retry-after"),
        )


class _StreamState:
    """What a stream has said so far: its finish reason, its usage, and whether ``[DONE]`` came."""

    def __init__(self, provider: str) -> None:
        self.provider = provider
        self.finish: FinishReason = "stop"
        self.usage: Usage | None = None
        self.done = False

    def read(self, batch: list[bytes]) -> tuple[list[str], Exception | None]:
        """The texts of ``batch``'s events, and the failure that stopped reading it, if any."""
        texts: list[str] = []
        for data in batch:
            try:
                text = self._event(data)
            except (MokminError, *_WIRE_ERRORS) as exc:
                return texts, exc
            if text:
                texts.append(text)
        return texts, None

    def _event(self, data: bytes) -> str:
        # After [DONE] the body is still read to its end: a response closed early also closes its connection,
        # and every stream would pay for a new one.
        if self.done or data == sse.DONE:
            self.done = True
            return ""
        chunk = json.loads(data)
        if chunk.get("error"):  # vLLM and others report a failure mid-stream as an event
            raise http_errors.malformed(self.provider, f"스트림 오류 이벤트: {_message(chunk)[:200]}")
        self.usage = _usage(chunk.get("usage")) or self.usage
        text = ""
        for choice in chunk.get("choices") or ():
            if reason := choice.get("finish_reason"):
                self.finish = _finish(reason)
            delta = choice.get("delta")
            content = delta.get("content") if delta else None
            if content:
                if not isinstance(content, str):
                    raise TypeError("delta.content")
                text += content
        return text


def _chat_body(request: ChatRequest, info: ModelInfo, *, stream: bool) -> bytes:
    body: dict[str, Any] = {
        "model": info.upstream_id,
        "messages": [{"role": m.role, "content": m.content} for m in request.messages],
    }
    # Compatible servers know max_tokens; OpenAI's newer max_completion_tokens is often refused.
    if request.max_tokens is not None:
        body["max_tokens"] = request.max_tokens
    if request.temperature is not None:
        body["temperature"] = request.temperature
    if request.top_p is not None:
        body["top_p"] = request.top_p
    if request.stop is not None:
        body["stop"] = request.stop
    if request.seed is not None:
        body["seed"] = request.seed
    if stream:
        body["stream"] = True
        body["stream_options"] = {"include_usage": True}
    return _dumps(body)


def _dumps(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _usage(value: Any) -> Usage | None:
    if not isinstance(value, dict):
        return None
    prompt, completion = value.get("prompt_tokens"), value.get("completion_tokens")
    if not isinstance(prompt, int) or not isinstance(completion, int):
        return None
    return Usage(input_tokens=prompt, output_tokens=completion)


def _finish(reason: object) -> FinishReason:
    return "length" if reason == "length" else "stop"


def _error_message(response: http11.Reply) -> str:
    """The upstream's own words for an error status, for the context-length check and the user's message."""
    text = response.text.strip()
    try:
        body = json.loads(text)
    except ValueError:
        return f"Error code: {response.status_code}" + (f" - {text[:300]}" if text else "")
    return _message(body) if isinstance(body, dict) else text[:300]


def _message(body: dict[str, Any]) -> str:
    # OpenAI and vLLM nest {"code", "message"} under "error"; Ollama puts a plain string there.
    error = body.get("error", body)
    if isinstance(error, dict):
        return " ".join(str(error.get(k) or "") for k in ("code", "message")).strip() or json.dumps(error)
    return str(error)
