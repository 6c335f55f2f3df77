"""OpenAI's API through the official ``openai`` SDK (``AsyncOpenAI``), also the base for compatible servers.

The SDK's own retries are off (``max_retries=0``): ``gateway.retry`` owns retries so that backoff, fallback
and the usage record see every attempt.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any, ClassVar

from mokmin.core.errors import MokminError
from mokmin.gateway.providers import http_errors
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

if TYPE_CHECKING:
    from openai import AsyncOpenAI
    from openai.types.chat import ChatCompletionChunk


class OpenAIProvider(Provider):
    kind = ProviderKind.OPENAI
    # OpenAI's current models take max_completion_tokens; most compatible servers know only max_tokens.
    max_tokens_field: ClassVar[str] = "max_completion_tokens"
    extra_name: ClassVar[str] = "openai"

    def __init__(self, config: ProviderConfig) -> None:
        super().__init__(config)
        try:
            import openai
        except ImportError as exc:
            raise ImportError(f"openai SDK가 없습니다: pip install 'mokmin[{self.extra_name}]'") from exc
        timeouts = config.timeouts
        self.client: AsyncOpenAI = openai.AsyncOpenAI(
            api_key=config.api_key.get_secret_value() if config.api_key else "unused",
            base_url=config.base_url,
            max_retries=0,
            timeout=openai.Timeout(timeouts.read, connect=timeouts.connect),
        )

    async def chat(self, request: ChatRequest) -> ChatResult:
        info = self.model_info(request.model)
        try:
            completion = await self.client.chat.completions.create(**self._arguments(request, info))
        except Exception as exc:
            raise self._translate(exc, info) from exc
        if not completion.choices:
            raise http_errors.malformed(self.name, "choices가 비어 있음")
        choice = completion.choices[0]
        text = choice.message.content or ""
        usage = completion.usage
        return ChatResult(
            text=text,
            input_tokens=usage.prompt_tokens if usage else estimate_tokens(request),
            output_tokens=usage.completion_tokens if usage else estimate_text_tokens(text),
            finish_reason=_finish(choice.finish_reason),
            model=request.model,
            provider=self.name,
            usage_estimated=usage is None,
        )

    async def stream(self, request: ChatRequest) -> AsyncGenerator[ChatChunk, None]:
        info = self.model_info(request.model)
        arguments = self._arguments(request, info)
        arguments.update(stream=True, stream_options={"include_usage": True})
        try:
            chunks = await self.client.chat.completions.create(**arguments)
        except Exception as exc:
            raise self._translate(exc, info) from exc
        finish: FinishReason = "stop"
        usage: Usage | None = None
        produced: list[str] = []
        try:
            async for chunk in chunks:
                if chunk.usage is not None:
                    usage = Usage(
                        input_tokens=chunk.usage.prompt_tokens, output_tokens=chunk.usage.completion_tokens
                    )
                for text, reason in _pieces(chunk):
                    if reason is not None:
                        finish = reason
                    if text:
                        produced.append(text)
                        yield ChatChunk(text=text)
        except MokminError:
            raise
        except Exception as exc:
            raise self._translate(exc, info) from exc
        finally:
            await chunks.close()
        if usage is None:  # a server that ignores stream_options.include_usage
            usage = estimated_usage(request, produced)
        yield ChatChunk(finish_reason=finish, usage=usage)

    async def embed(self, texts: list[str], model: str) -> list[list[float]]:
        if not self.config.capabilities.embeddings:
            return await super().embed(texts, model)
        info = self.model_info(model)
        try:
            reply = await self.client.embeddings.create(model=info.upstream_id, input=texts)
        except Exception as exc:
            raise self._translate(exc, info) from exc
        return [list(row.embedding) for row in sorted(reply.data, key=lambda row: row.index)]

    async def aclose(self) -> None:
        await self.client.close()

    def _arguments(self, request: ChatRequest, info: ModelInfo) -> dict[str, Any]:
        arguments: dict[str, Any] = {
            "model": info.upstream_id,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
        }
        optional = {
            self.max_tokens_field: request.max_tokens,
            "temperature": request.temperature,
            "top_p": request.top_p,
            "stop": request.stop,
            "seed": request.seed,
        }
        arguments.update({k: v for k, v in optional.items() if v is not None})
        return arguments

    def _translate(self, exc: Exception, info: ModelInfo) -> MokminError:
        import openai

        return http_errors.from_sdk(openai, self.name, self.config.timeouts.read, info, exc, _message)


def _pieces(chunk: ChatCompletionChunk) -> list[tuple[str | None, FinishReason | None]]:
    return [
        (
            choice.delta.content if choice.delta else None,
            _finish(choice.finish_reason) if choice.finish_reason else None,
        )
        for choice in chunk.choices
    ]


def _finish(reason: str | None) -> FinishReason:
    return "length" if reason == "length" else "stop"


def _message(exc: Any) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            return " ".join(str(error.get(k) or "") for k in ("code", "message")).strip() or str(exc)
    return str(exc.message)
