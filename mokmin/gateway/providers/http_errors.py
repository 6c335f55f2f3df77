"""Turn an HTTP upstream's failure into a gateway error, the same way for every SDK.

The OpenAI and Anthropic SDKs raise different classes for the same three situations (no answer in time, no
connection, an error status); each provider module sorts its SDK's exception into one of those and this
module decides what it means for the user, for retries and for fallback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mokmin.core.errors import MokminError
from mokmin.gateway.errors import (
    ContextTooLong,
    ProviderTimeout,
    ProviderUnavailable,
    UpstreamRateLimited,
    UpstreamRejected,
)
from mokmin.gateway.types import ModelInfo

# Phrases upstreams use when the prompt does not fit (OpenAI, vLLM, llama.cpp, Ollama, Anthropic).
_CONTEXT_HINTS = (
    "context_length_exceeded",
    "maximum context length",
    "context length",
    "exceeds the available context",
    "prompt is too long",
    "too many tokens",
)


def timed_out(provider: str, seconds: float) -> ProviderTimeout:
    return ProviderTimeout(provider, seconds)


def unreachable(provider: str, cause: str) -> ProviderUnavailable:
    return ProviderUnavailable(provider, f"연결 실패 (connection failed: {cause})", status=503)


def from_status(
    provider: str, model: ModelInfo, status: int, message: str, retry_after: str | None = None
) -> MokminError:
    """The gateway error for an upstream's error status and message."""
    if status == 429:
        return UpstreamRateLimited(provider, _seconds(retry_after))
    if status in (401, 403):
        return ProviderUnavailable(
            provider, f"API 키가 거부되었습니다 (HTTP {status})", status=502, retryable=False
        )
    if status >= 500:
        return ProviderUnavailable(provider, f"업스트림 서버 오류 (HTTP {status})", status=502)
    if status in (400, 413, 422) and any(hint in message.lower() for hint in _CONTEXT_HINTS):
        return ContextTooLong(provider, model.name, None, model.context_length)
    if status == 404:
        return ProviderUnavailable(
            provider,
            f"업스트림에 모델 '{model.upstream_id}'이(가) 없습니다 (HTTP 404)",
            status=502,
            retryable=False,
        )
    return UpstreamRejected(provider, message[:300], status)


def malformed(provider: str, cause: str) -> ProviderUnavailable:
    return ProviderUnavailable(
        provider, f"응답 형식이 올바르지 않습니다 ({cause})", status=502, retryable=False
    )


def _seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None  # an HTTP date: rare from model APIs, and the backoff policy still applies
    return max(seconds, 0.0)


def from_sdk(
    sdk: Any,
    provider: str,
    read_timeout: float,
    info: ModelInfo,
    exc: Exception,
    message: Callable[[Any], str],
) -> MokminError:
    """The gateway error for an exception of an official SDK (``openai`` or ``anthropic``: same hierarchy)."""
    if isinstance(exc, MokminError):
        return exc
    if isinstance(exc, sdk.APITimeoutError):
        return timed_out(provider, read_timeout)
    if isinstance(exc, sdk.APIConnectionError):
        return unreachable(provider, type(exc.__cause__ or exc).__name__)
    if isinstance(exc, sdk.APIStatusError):
        return from_status(
            provider, info, exc.status_code, message(exc), exc.response.headers.get("retry-after")
        )
    return malformed(provider, type(exc).__name__)
