"""Failures of the model gateway, each naming the provider and what failed.

Messages are Korean for the clerk; ``detail`` repeats the fact in English for operators and logs.

Hierarchy (bases from ``mokmin.core.errors``)::

    MokminError (400)
    ├── ContextTooLong (400)            prompt + answer do not fit the model's context
    ├── UpstreamRejected (400)          the upstream refused the request itself (4xx other than 429)
    ├── CapabilityMissing (400)         e.g. embeddings asked of a chat-only provider
    ├── NotFound (404)
    │   └── UnknownModel (404)
    ├── RateLimited (429)
    │   └── UpstreamRateLimited (429)   the upstream said 429; retried, then falls back
    └── Unavailable (503)
        └── ProviderUnavailable (502/503)   connection refused, 5xx, bad key, missing model file
            ├── ProviderTimeout (504)
            └── AllProvidersFailed (503)    a fallback chain ran out; lists every failure

``retryable`` tells ``gateway.retry`` whether trying the same provider again can help; ``fallback`` whether
another provider can.
"""

from __future__ import annotations

from collections.abc import Sequence

from mokmin.core.errors import MokminError, NotFound, RateLimited, Unavailable


class ProviderUnavailable(Unavailable):
    """The provider could not answer: down, erroring, misconfigured."""

    code = "provider_unavailable"

    def __init__(self, provider: str, reason: str, *, status: int = 503, retryable: bool = True) -> None:
        super().__init__(
            f"모델 제공자 '{provider}'에서 답을 받지 못했습니다: {reason}",
            status,
            detail=f"Provider '{provider}' is unavailable: {reason}",
        )
        self.provider = provider
        self.reason = reason
        self.retryable = retryable
        self.fallback = True


class ProviderTimeout(ProviderUnavailable):
    code = "provider_timeout"

    def __init__(self, provider: str, seconds: float, what: str = "응답") -> None:
        super().__init__(provider, f"{what} 대기 시간 {seconds:g}초 초과", status=504)
        self.detail = f"Provider '{provider}' timed out after {seconds:g}s ({what})"
        self.seconds = seconds
        # Waiting as long again rarely helps; the next provider might.
        self.retryable = False


class AllProvidersFailed(ProviderUnavailable):
    """Every provider in a fallback chain failed; the message names each one and why."""

    code = "all_providers_failed"

    def __init__(self, failures: Sequence[ProviderUnavailable | UpstreamRateLimited]) -> None:
        names = ", ".join(f.provider for f in failures)
        reasons = "; ".join(f"{f.provider}: {f.reason}" for f in failures)
        super().__init__(names or "(없음)", reasons or "시도할 제공자가 없습니다", retryable=False)
        self.message = f"모든 모델 제공자가 실패했습니다 — {reasons or '시도할 제공자가 없습니다'}"
        self.detail = f"All providers failed — {reasons or 'no provider to try'}"
        self.failures = list(failures)
        self.fallback = False


class UpstreamRateLimited(RateLimited):
    """The upstream answered 429. Not the user's own budget: that is the routing layer's ``RateLimited``."""

    code = "upstream_rate_limited"

    def __init__(self, provider: str, retry_after: float | None = None) -> None:
        wait = f" ({retry_after:g}초 후 다시 시도)" if retry_after is not None else ""
        super().__init__(
            f"모델 제공자 '{provider}'의 요청 한도를 넘었습니다{wait}",
            detail=f"Provider '{provider}' rate limited the request (HTTP 429)",
        )
        self.provider = provider
        self.reason = "요청 한도 초과 (HTTP 429)"
        self.retry_after = retry_after
        self.retryable = True
        self.fallback = True


class ContextTooLong(MokminError):
    code = "context_length_exceeded"

    def __init__(
        self, provider: str, model: str, prompt_tokens: int | None, context_length: int | None
    ) -> None:
        size = f"({prompt_tokens}토큰)" if prompt_tokens is not None else ""
        limit = f" (최대 {context_length}토큰)" if context_length is not None else ""
        super().__init__(
            f"입력{size}이 모델 '{model}'의 문맥 길이를 넘습니다{limit}. 입력을 줄여 주세요.",
            400,
            detail=(
                f"Prompt of {prompt_tokens} tokens exceeds the context of model '{model}' "
                f"({context_length}) at provider '{provider}'"
            ),
        )
        self.provider = provider
        self.prompt_tokens = prompt_tokens
        self.context_length = context_length
        self.retryable = False
        self.fallback = False


class UpstreamRejected(MokminError):
    """The upstream judged the request itself invalid; another provider would most likely refuse it too."""

    code = "upstream_rejected"

    def __init__(self, provider: str, upstream_message: str, status: int = 400) -> None:
        super().__init__(
            f"모델 제공자 '{provider}'에서 요청을 거부했습니다: {upstream_message}",
            400,
            detail=f"Provider '{provider}' rejected the request (HTTP {status}): {upstream_message}",
        )
        self.provider = provider
        self.retryable = False
        self.fallback = False


class CapabilityMissing(MokminError):
    code = "capability_missing"

    def __init__(self, provider: str, capability: str) -> None:
        super().__init__(
            f"모델 제공자 '{provider}'에서는 {capability} 기능을 쓸 수 없습니다",
            400,
            detail=f"Provider '{provider}' does not support {capability}",
        )
        self.provider = provider


class UnknownModel(NotFound):
    code = "model_not_found"

    def __init__(self, provider: str, model: str) -> None:
        super().__init__(
            f"모델 제공자 '{provider}'에 '{model}' 모델이 없습니다",
            detail=f"Provider '{provider}' has no model '{model}'",
        )
        self.provider = provider
        self.model = model


def is_retryable(error: BaseException) -> bool:
    """Whether trying the same provider again can help."""
    return bool(getattr(error, "retryable", False))


def allows_fallback(error: BaseException) -> bool:
    """Whether the next provider in a chain should be tried after ``error``."""
    return bool(getattr(error, "fallback", False))
