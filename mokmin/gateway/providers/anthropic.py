"""Anthropic's Messages API through the official ``anthropic`` SDK (``AsyncAnthropic``).

Wire differences handled here: system messages travel in ``system``, ``max_tokens`` is required, stop
sequences are ``stop_sequences``, and a stream reports input tokens in ``message_start`` and output tokens
in ``message_delta``. The Messages API of this SDK generation takes no sampling parameters, so a request's
``temperature``, ``top_p`` and ``seed`` are not sent (the model's own defaults apply).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

from mokmin.core.errors import MokminError
from mokmin.gateway.providers import http_errors
from mokmin.gateway.providers.base import Provider
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
    from anthropic import AsyncAnthropic

# Anthropic requires max_tokens; when the caller sets none we allow a long answer, bounded by the model.
DEFAULT_MAX_TOKENS = 4096


class AnthropicProvider(Provider):
    kind = ProviderKind.ANTHROPIC

    def __init__(self, config: ProviderConfig) -> None:
        super().__init__(config)
        try:
            import anthropic
        except ImportError as exc:
            raise ImportError("anthropic SDK가 없습니다: pip install 'mokmin[anthropic]'") from exc
        timeouts = config.timeouts
        self.client: AsyncAnthropic = anthropic.AsyncAnthropic(
            api_key=config.api_key.get_secret_value() if config.api_key else "unused",
            base_url=config.base_url,
            max_retries=0,
            timeout=anthropic.Timeout(timeouts.read, connect=timeouts.connect),
        )

    async def chat(self, request: ChatRequest) -> ChatResult:
        info = self.model_info(request.model)
        try:
            message = await self.client.messages.create(**_arguments(request, info))
        except Exception as exc:
            raise self._translate(exc, info) from exc
        text = "".join(block.text for block in message.content if block.type == "text")
        return ChatResult(
            text=text,
            input_tokens=message.usage.input_tokens,
            output_tokens=message.usage.output_tokens,
            finish_reason=_finish(message.stop_reason),
            model=request.model,
            provider=self.name,
        )

    async def stream(self, request: ChatRequest) -> AsyncGenerator[ChatChunk, None]:
        info = self.model_info(request.model)
        try:
            events = await self.client.messages.create(**_arguments(request, info), stream=True)
        except Exception as exc:
            raise self._translate(exc, info) from exc
        input_tokens = output_tokens = 0
        finish: FinishReason = "stop"
        try:
            async for event in events:
                if event.type == "content_block_delta" and event.delta.type == "text_delta":
                    if event.delta.text:
                        yield ChatChunk(text=event.delta.text)
                elif event.type == "message_start":
                    input_tokens = event.message.usage.input_tokens
                    output_tokens = event.message.usage.output_tokens
                elif event.type == "message_delta":
                    output_tokens = event.usage.output_tokens
                    if event.usage.input_tokens is not None:
                        input_tokens = event.usage.input_tokens
                    finish = _finish(event.delta.stop_reason)
        except MokminError:
            raise
        except Exception as exc:
            raise self._translate(exc, info) from exc
        finally:
            await events.close()
        yield ChatChunk(
            finish_reason=finish, usage=Usage(input_tokens=input_tokens, output_tokens=output_tokens)
        )

    async def aclose(self) -> None:
        await self.client.close()

    def _translate(self, exc: Exception, info: ModelInfo) -> MokminError:
        import anthropic

        return http_errors.from_sdk(anthropic, self.name, self.config.timeouts.read, info, exc, _message)


def _arguments(request: ChatRequest, info: ModelInfo) -> dict[str, Any]:
    system = "\n\n".join(m.content for m in request.messages if m.role == "system")
    arguments: dict[str, Any] = {
        "model": info.upstream_id,
        "max_tokens": request.max_tokens or min(DEFAULT_MAX_TOKENS, info.context_length),
        "messages": [{"role": m.role, "content": m.content} for m in request.messages if m.role != "system"],
    }
    if system:
        arguments["system"] = system
    if request.stop:
        arguments["stop_sequences"] = request.stop
    return arguments


def _finish(reason: str | None) -> FinishReason:
    return "length" if reason == "max_tokens" else "stop"


def _message(exc: Any) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            return str(error.get("message") or exc.message)
    return str(exc.message)
