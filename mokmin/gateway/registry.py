"""The one place that knows which class serves each provider kind; built-ins register like anyone else.

Importing this module imports no SDK: each provider imports its SDK when it is built, so a missing extra
only matters for the kind that needs it.
"""

from __future__ import annotations

from mokmin.gateway.providers.anthropic import AnthropicProvider
from mokmin.gateway.providers.base import Provider
from mokmin.gateway.providers.embedded import EmbeddedProvider
from mokmin.gateway.providers.openai import OpenAIProvider
from mokmin.gateway.providers.openai_compatible import OpenAICompatibleProvider
from mokmin.gateway.types import ProviderConfig, ProviderKind

PROVIDER_CLASSES: dict[ProviderKind, type[Provider]] = {}


def register(provider_class: type[Provider]) -> type[Provider]:
    """Make ``provider_class`` serve its ``kind`` (replacing any earlier class, as a test fake does)."""
    PROVIDER_CLASSES[provider_class.kind] = provider_class
    return provider_class


def provider_class(kind: ProviderKind) -> type[Provider]:
    """The class registered for ``kind``."""
    try:
        return PROVIDER_CLASSES[kind]
    except KeyError:
        raise LookupError(f"no provider class registered for kind {kind!s}") from None


def build_provider(config: ProviderConfig) -> Provider:
    """A ready provider for ``config`` (no network call and no model load happens here)."""
    return provider_class(config.kind)(config)


for _builtin in (EmbeddedProvider, OpenAIProvider, AnthropicProvider, OpenAICompatibleProvider):
    register(_builtin)
