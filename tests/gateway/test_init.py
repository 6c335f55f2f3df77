"""The gateway's public surface: everything in ``__all__`` exists, and nothing listed is stale."""

from __future__ import annotations

import mokmin.gateway as gateway


def test_all_names_are_importable_and_unique() -> None:
    assert len(gateway.__all__) == len(set(gateway.__all__))
    missing = [name for name in gateway.__all__ if not hasattr(gateway, name)]
    assert missing == []
    for name in ("Provider", "ProviderConfig", "build_provider", "FallbackChain", "ChatRequest"):
        assert name in gateway.__all__
