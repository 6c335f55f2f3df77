"""Typed values that cross the provider layer.

Every provider speaks these models and nothing else, so routing, budgets and the ``/v1`` API never see an
SDK object or a wire-format dict. Money is ``Decimal`` (prices are per million tokens) so that cost sums in
usage reports never drift.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from mokmin.core.levels import DataLevel as DataLevel
from mokmin.core.levels import Locality as Locality

MILLION = Decimal(1_000_000)


class ProviderKind(StrEnum):
    """How mokmin talks to a model: each kind is one module under ``gateway/providers``."""

    EMBEDDED = "embedded"
    OPENAI = "openai"
    ANTHROPIC = "anthropic"
    OPENAI_COMPATIBLE = "openai-compatible"


# Data levels and locality are the guard's words too, so they live in ``mokmin.core.levels``.


FinishReason = Literal["stop", "length", "error", "cancelled"]
Role = Literal["system", "user", "assistant"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ChatMessage(_Frozen):
    role: Role
    content: str


class ChatRequest(_Frozen):
    """A chat call as the gateway understands it, after the ``/v1`` layer has validated the client's JSON.

    ``model`` is the model's name as the provider lists it in ``ModelInfo.name``.
    """

    messages: list[ChatMessage] = Field(min_length=1)
    model: str = Field(min_length=1)
    max_tokens: int | None = Field(default=None, ge=1, le=1_000_000)
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)
    top_p: float | None = Field(default=None, gt=0.0, le=1.0)
    stop: list[str] | None = Field(default=None, max_length=4)
    seed: int | None = None

    @field_validator("stop")
    @classmethod
    def _no_empty_stop(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and any(not s for s in value):
            raise ValueError("stop sequences must not be empty")
        return value


class Usage(_Frozen):
    """Tokens one call consumed. ``estimated`` is set when the upstream did not report them."""

    input_tokens: int = Field(ge=0)
    output_tokens: int = Field(ge=0)
    estimated: bool = False

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens


class ChatChunk(_Frozen):
    """One piece of a streamed answer.

    Text chunks carry ``text`` only. A stream always ends with exactly one chunk that carries ``usage`` and
    ``finish_reason`` (and usually no text), so the caller can record usage without counting itself.
    """

    text: str = ""
    finish_reason: FinishReason | None = None
    usage: Usage | None = None

    @property
    def is_final(self) -> bool:
        return self.usage is not None


class ChatResult(_Frozen):
    text: str
    input_tokens: int = Field(ge=0)
    output_tokens: int = Field(ge=0)
    finish_reason: FinishReason
    model: str
    provider: str
    usage_estimated: bool = False

    @property
    def usage(self) -> Usage:
        return Usage(
            input_tokens=self.input_tokens, output_tokens=self.output_tokens, estimated=self.usage_estimated
        )


class ModelInfo(_Frozen):
    """A model a provider offers, with what it costs.

    ``upstream`` is the id the upstream knows the model by (for the embedded kind, a GGUF file path); when
    it is ``None`` the upstream id is ``name`` (and the embedded kind uses the bundled default model).
    """

    name: str = Field(min_length=1, max_length=200)
    context_length: int = Field(ge=16)
    input_price_per_million: Decimal = Field(default=Decimal(0), ge=0)
    output_price_per_million: Decimal = Field(default=Decimal(0), ge=0)
    upstream: str | None = None

    @property
    def upstream_id(self) -> str:
        return self.upstream or self.name

    def cost(self, usage: Usage) -> Decimal:
        """What a call with ``usage`` costs, in the currency the prices are set in."""
        return (
            Decimal(usage.input_tokens) * self.input_price_per_million
            + Decimal(usage.output_tokens) * self.output_price_per_million
        ) / MILLION


class Capabilities(_Frozen):
    streaming: bool = True
    embeddings: bool = False


class Timeouts(_Frozen):
    """Seconds. ``read`` bounds the wait for each piece of an answer; ``total`` bounds a whole call."""

    connect: float = Field(default=5.0, gt=0)
    read: float = Field(default=60.0, gt=0)
    total: float = Field(default=300.0, gt=0)


class RetryPolicy(_Frozen):
    """Retries on 429 and 5xx with exponential backoff: ``base_delay * 2**attempt``, capped, with jitter."""

    max_retries: int = Field(default=2, ge=0, le=10)
    base_delay: float = Field(default=0.5, ge=0)
    max_delay: float = Field(default=8.0, ge=0)


class ProviderConfig(_Frozen):
    """What an admin registers (page or ``mokmin provider add``); the secret never leaves as plain text."""

    name: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    kind: ProviderKind
    locality: Locality
    max_data_level: DataLevel = DataLevel.OPEN
    base_url: str | None = None
    api_key: SecretStr | None = None
    models: list[ModelInfo] = Field(min_length=1)
    capabilities: Capabilities = Capabilities()
    timeouts: Timeouts = Timeouts()
    retry: RetryPolicy = RetryPolicy()

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://")
        return value.rstrip("/") if value else value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        # Classified data never leaves the institution, whatever an admin types.
        if self.locality is Locality.EXTERNAL and self.max_data_level is DataLevel.CLASSIFIED:
            raise ValueError("an external provider may not receive classified (C) data")
        if self.kind is ProviderKind.EMBEDDED and self.locality is not Locality.LOCAL:
            raise ValueError("an embedded provider is local by definition")
        if self.kind is ProviderKind.OPENAI_COMPATIBLE and self.base_url is None:
            raise ValueError("an openai-compatible provider needs base_url")
        names = [m.name for m in self.models]
        if len(names) != len(set(names)):
            raise ValueError("model names must be unique within a provider")
        return self

    def model(self, name: str) -> ModelInfo | None:
        """The model called ``name``, or ``None`` when this provider does not offer it."""
        return next((m for m in self.models if m.name == name), None)
