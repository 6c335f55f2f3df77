"""Gateway errors name the provider, carry the right status and say whether to retry or fall back."""

from __future__ import annotations

from mokmin.core.errors import MokminError
from mokmin.gateway.errors import (
    AllProvidersFailed,
    ContextTooLong,
    ProviderTimeout,
    ProviderUnavailable,
    UpstreamRateLimited,
    UpstreamRejected,
    allows_fallback,
    is_retryable,
)


def test_statuses_and_what_each_error_allows() -> None:
    cases = [
        (ProviderUnavailable("p", "down"), 503, True, True),
        (ProviderUnavailable("p", "HTTP 500", status=502), 502, True, True),
        (ProviderTimeout("p", 3), 504, False, True),
        (UpstreamRateLimited("p", 2), 429, True, True),
        (ContextTooLong("p", "m", 5000, 4096), 400, False, False),
        (UpstreamRejected("p", "bad field"), 400, False, False),
    ]
    for error, status, retryable, fallback in cases:
        assert isinstance(error, MokminError)
        assert error.status == status, error
        assert (is_retryable(error), allows_fallback(error)) == (retryable, fallback), error
        assert "'p'" in error.detail
        # A clerk is told the model when the request is at fault, the provider when the provider is.
        assert ("'m'" if isinstance(error, ContextTooLong) else "'p'") in error.message


def test_messages_are_korean_with_english_detail() -> None:
    error = ContextTooLong("local", "smollm2", 5000, 2048)
    assert "5000토큰" in error.message and "2048" in error.message
    assert "exceeds the context" in error.detail
    assert "3초" in ProviderTimeout("p", 3).message


def test_all_providers_failed_lists_every_failure() -> None:
    error = AllProvidersFailed([ProviderUnavailable("a", "HTTP 500"), UpstreamRateLimited("b")])
    assert "a: HTTP 500" in error.message and "b:" in error.message
    assert error.status == 503 and not allows_fallback(error) and not is_retryable(error)
