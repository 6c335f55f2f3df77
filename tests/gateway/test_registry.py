"""Every kind is served through the one registry, and a fake provider registers like a built-in."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Iterator

import pytest

from mokmin.gateway.providers.anthropic import AnthropicProvider
from mokmin.gateway.providers.base import Provider
from mokmin.gateway.providers.embedded import EmbeddedProvider
from mokmin.gateway.providers.openai import OpenAIProvider
from mokmin.gateway.providers.openai_compatible import OpenAICompatibleProvider
from mokmin.gateway.registry import PROVIDER_CLASSES, build_provider, provider_class, register
from mokmin.gateway.types import ChatChunk, ChatRequest, ChatResult, ModelInfo, ProviderConfig, ProviderKind


def test_every_kind_has_its_builtin_class() -> None:
    assert provider_class(ProviderKind.EMBEDDED) is EmbeddedProvider
    assert provider_class(ProviderKind.OPENAI) is OpenAIProvider
    assert provider_class(ProviderKind.ANTHROPIC) is AnthropicProvider
    assert provider_class(ProviderKind.OPENAI_COMPATIBLE) is OpenAICompatibleProvider
    assert set(PROVIDER_CLASSES) == set(ProviderKind)


class EchoProvider(Provider):
    kind = ProviderKind.OPENAI

    async def chat(self, request: ChatRequest) -> ChatResult:
        text = request.messages[-1].content
        return ChatResult(
            text=text,
            input_tokens=1,
            output_tokens=1,
            finish_reason="stop",
            model=request.model,
            provider=self.name,
        )

    async def stream(self, request: ChatRequest) -> AsyncGenerator[ChatChunk, None]:
        yield ChatChunk(text=(await self.chat(request)).text)


@pytest.fixture
def echo_registered() -> Iterator[None]:
    original = PROVIDER_CLASSES[ProviderKind.OPENAI]
    register(EchoProvider)
    yield
    register(original)


def test_a_registered_fake_replaces_the_builtin(echo_registered: None) -> None:
    config = ProviderConfig(
        name="echo", kind="openai", locality="external", models=[ModelInfo(name="m", context_length=100)]
    )
    provider = build_provider(config)
    assert isinstance(provider, EchoProvider)
    request = ChatRequest(model="m", messages=[{"role": "user", "content": "메아리"}])  # type: ignore[list-item]
    assert asyncio.run(provider.chat(request)).text == "메아리"
    assert asyncio.run(provider.count_tokens(request)) > 0  # the base class estimate


def test_a_provider_refuses_a_config_of_another_kind() -> None:
    config = ProviderConfig(
        name="e", kind="embedded", locality="local", models=[ModelInfo(name="m", context_length=100)]
    )
    with pytest.raises(ValueError, match="kind"):
        OpenAIProvider(config)
