"""The model gateway: one governed door to every model.

What other domains may import from the gateway is listed in ``__all__``.
"""

from mokmin.gateway.embedded_engine import DEFAULT_MODEL_NAME, default_model_path
from mokmin.gateway.errors import (
    AllProvidersFailed,
    CapabilityMissing,
    ContextTooLong,
    ProviderTimeout,
    ProviderUnavailable,
    UnknownModel,
    UpstreamRateLimited,
    UpstreamRejected,
)
from mokmin.gateway.providers.base import Provider
from mokmin.gateway.providers.embedded import default_embedded_config
from mokmin.gateway.registry import build_provider, provider_class, register
from mokmin.gateway.retry import (
    ChainStream,
    FallbackChain,
    RouteTarget,
    chat_with_retries,
    stream_with_retries,
)
from mokmin.gateway.types import (
    Capabilities,
    ChatChunk,
    ChatMessage,
    ChatRequest,
    ChatResult,
    DataLevel,
    FinishReason,
    Locality,
    ModelInfo,
    ProviderConfig,
    ProviderKind,
    RetryPolicy,
    Timeouts,
    Usage,
)

__all__ = [
    "DEFAULT_MODEL_NAME",
    "AllProvidersFailed",
    "Capabilities",
    "CapabilityMissing",
    "ChainStream",
    "ChatChunk",
    "ChatMessage",
    "ChatRequest",
    "ChatResult",
    "ContextTooLong",
    "DataLevel",
    "FallbackChain",
    "FinishReason",
    "Locality",
    "ModelInfo",
    "Provider",
    "ProviderConfig",
    "ProviderKind",
    "ProviderTimeout",
    "ProviderUnavailable",
    "RetryPolicy",
    "RouteTarget",
    "Timeouts",
    "UnknownModel",
    "UpstreamRateLimited",
    "UpstreamRejected",
    "Usage",
    "build_provider",
    "chat_with_retries",
    "default_embedded_config",
    "default_model_path",
    "provider_class",
    "register",
    "stream_with_retries",
]
