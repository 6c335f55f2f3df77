"""Typed gateway values: validation that protects data levels, and cost arithmetic."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from mokmin.gateway.types import ChatMessage, ChatRequest, DataLevel, ModelInfo, ProviderConfig, Usage

MODELS = [ModelInfo(name="m", context_length=1000)]


def test_data_levels_order_open_sensitive_classified() -> None:
    assert DataLevel.SENSITIVE.allows(DataLevel.OPEN)
    assert DataLevel.SENSITIVE.allows(DataLevel.SENSITIVE)
    assert not DataLevel.SENSITIVE.allows(DataLevel.CLASSIFIED)
    assert not DataLevel.OPEN.allows(DataLevel.SENSITIVE)


def test_external_provider_may_never_receive_classified_data() -> None:
    with pytest.raises(ValidationError, match="classified"):
        ProviderConfig(name="o", kind="openai", locality="external", max_data_level="C", models=MODELS)
    local = ProviderConfig(
        name="v",
        kind="openai-compatible",
        locality="local",
        max_data_level="C",
        base_url="http://10.0.0.5:8000/v1/",
        models=MODELS,
    )
    assert local.base_url == "http://10.0.0.5:8000/v1"


def test_provider_defaults_to_open_data_only_and_hides_its_key() -> None:
    config = ProviderConfig(name="o", kind="openai", locality="external", api_key="sk-secret", models=MODELS)
    assert config.max_data_level is DataLevel.OPEN
    assert "sk-secret" not in repr(config) and "sk-secret" not in config.model_dump_json()
    assert config.api_key is not None and config.api_key.get_secret_value() == "sk-secret"


@pytest.mark.parametrize(
    "settings",
    [
        {"kind": "embedded", "locality": "external"},
        {"kind": "openai", "locality": "external", "base_url": "ftp://x"},
        {"kind": "openai", "locality": "external", "name": "Bad Name"},
        {"kind": "openai", "locality": "external", "models": []},
        {"kind": "openai", "locality": "external", "models": MODELS + MODELS},
        {"kind": "gemini", "locality": "external"},
    ],
)
def test_invalid_provider_configs_are_refused(settings: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ProviderConfig.model_validate({"name": "p", "models": MODELS, **settings})


def test_cost_uses_prices_per_million_tokens_exactly() -> None:
    model = ModelInfo(
        name="m", context_length=1000, input_price_per_million="2.50", output_price_per_million="10"
    )
    assert model.cost(Usage(input_tokens=1_000, output_tokens=300)) == Decimal("0.0055")
    assert model.upstream_id == "m"
    assert ModelInfo(name="m", upstream="gpt-x", context_length=100).upstream_id == "gpt-x"


@pytest.mark.parametrize(
    "bad",
    [
        {"messages": []},
        {"max_tokens": 0},
        {"max_tokens": -1},
        {"temperature": 3},
        {"stop": [""]},
        {"model": ""},
    ],
)
def test_chat_request_bounds(bad: dict[str, object]) -> None:
    base = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    with pytest.raises(ValidationError):
        ChatRequest.model_validate({**base, **bad})
    with pytest.raises(ValidationError):
        ChatMessage.model_validate({"role": "tool", "content": "x"})
