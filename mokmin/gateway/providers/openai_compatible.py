"""Any server that speaks OpenAI's chat completions: vLLM, Ollama, llama.cpp's server, LM Studio, a proxy.

It is the OpenAI provider pointed at an admin's base URL, with the differences such servers have: the older
``max_tokens`` field, an API key that may be absent, and usage that may be missing from a stream (then
estimated and marked so).
"""

from __future__ import annotations

from typing import ClassVar

from mokmin.gateway.providers.openai import OpenAIProvider
from mokmin.gateway.types import ProviderKind


class OpenAICompatibleProvider(OpenAIProvider):
    kind = ProviderKind.OPENAI_COMPATIBLE
    max_tokens_field: ClassVar[str] = "max_tokens"
