"""The one interface every model provider implements.

A provider is built from a ``ProviderConfig`` and owns its authenticated client. It translates between the
gateway's typed values and its upstream's wire format, and turns every upstream failure into a
``gateway.errors`` error that names it. Retries, timeouts over a whole call and fallback live in
``gateway.retry``, so a provider makes exactly one attempt per call.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator
from typing import ClassVar

from mokmin.gateway.errors import CapabilityMissing, UnknownModel
from mokmin.gateway.types import (
    ChatChunk,
    ChatRequest,
    ChatResult,
    ModelInfo,
    ProviderConfig,
    ProviderKind,
    Usage,
)

# A rough tokens-per-byte ratio for providers that cannot count exactly. UTF-8 Korean is 3 bytes a
# syllable and BPE tokenizers spend about one token per syllable; English is about 4 bytes a token.
_BYTES_PER_TOKEN = 3
_TOKENS_PER_MESSAGE = 4


class Provider(ABC):
    """A configured model provider. Subclasses set ``kind`` and implement ``chat`` and ``stream``."""

    kind: ClassVar[ProviderKind]

    def __init__(self, config: ProviderConfig) -> None:
        if config.kind is not self.kind:
            raise ValueError(f"{type(self).__name__} cannot serve a provider of kind {config.kind}")
        self.config = config

    @property
    def name(self) -> str:
        return self.config.name

    def models(self) -> list[ModelInfo]:
        """The models this provider offers, with context length and prices."""
        return list(self.config.models)

    def model_info(self, model: str) -> ModelInfo:
        """The model called ``model``; raises ``UnknownModel`` so a typo never reaches a paid API."""
        info = self.config.model(model)
        if info is None:
            raise UnknownModel(self.name, model)
        return info

    @abstractmethod
    async def chat(self, request: ChatRequest) -> ChatResult:
        """Answer ``request`` in one piece."""

    @abstractmethod
    def stream(self, request: ChatRequest) -> AsyncGenerator[ChatChunk, None]:
        """Answer ``request`` piece by piece; the last chunk carries usage and the finish reason."""

    async def embed(self, texts: list[str], model: str) -> list[list[float]]:
        """One vector per text, for providers whose capabilities include embeddings."""
        raise CapabilityMissing(self.name, "임베딩(embeddings)")

    async def count_tokens(self, request: ChatRequest) -> int:
        """Tokens the prompt of ``request`` takes: a high estimate unless a subclass counts exactly."""
        return estimate_tokens(request)

    async def aclose(self) -> None:
        """Release connections. Safe to call twice."""
        return None


def estimate_tokens(request: ChatRequest) -> int:
    """A tokenizer-free estimate of a prompt's size, leaning high so a context check errs on refusing."""
    return sum(
        _TOKENS_PER_MESSAGE + math.ceil(len(m.content.encode()) / _BYTES_PER_TOKEN) for m in request.messages
    )


def estimate_text_tokens(text: str) -> int:
    """The same estimate for a piece of generated text."""
    return math.ceil(len(text.encode()) / _BYTES_PER_TOKEN)


def estimated_usage(request: ChatRequest, produced: list[str]) -> Usage:
    """Usage for a stream whose server did not report it (ignored ``stream_options.include_usage``)."""
    return Usage(
        input_tokens=estimate_tokens(request),
        output_tokens=estimate_text_tokens("".join(produced)),
        estimated=True,
    )
