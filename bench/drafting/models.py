"""A section writer over the embedded llama.cpp engine, timed: the same prompts, system prompt and token limit
the studio sends through the gateway, without the web server in between (the provider directly).

Time to first visible text is measured from the request to the first non-blank piece of text, as the studio
shows it while streaming.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mokmin.gateway.embedded_engine import EngineOptions, LocalEngine, default_model_path, get_engine
from mokmin.gateway.types import ChatMessage, ChatRequest
from mokmin.web.writers import SECTION_MAX_TOKENS, SYSTEM_PROMPT


@dataclass
class SectionTiming:
    section: str
    first_text_s: float | None
    total_s: float
    tokens: int


@dataclass
class EngineWriter:
    """``write_section`` over a local GGUF model; keeps one timing per section written."""

    model_path: Path = field(default_factory=default_model_path)
    max_tokens: int = SECTION_MAX_TOKENS
    timings: list[SectionTiming] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.engine: LocalEngine = get_engine(EngineOptions(model_path=self.model_path))
        self.model_name = self.model_path.stem

    def warm_up(self) -> float:
        """Load the model (seconds), so that load time is not counted as the first draft's."""
        start = time.perf_counter()
        list(self("warm-up", "안녕하세요."))
        self.timings.clear()
        return time.perf_counter() - start

    def __call__(self, section_key: str, prompt: str) -> Iterator[str]:
        request = ChatRequest(
            model=self.model_name,
            messages=[
                ChatMessage(role="system", content=SYSTEM_PROMPT),
                ChatMessage(role="user", content=prompt),
            ],
            max_tokens=self.max_tokens,
        )
        pieces: list[str] = []
        first: list[float] = []
        start = time.perf_counter()

        def on_text(text: str) -> bool:
            if not first and text.strip():
                first.append(time.perf_counter() - start)
            pieces.append(text)
            return False

        generation = self.engine.generate_stream(request, on_text)
        total = time.perf_counter() - start
        self.timings.append(
            SectionTiming(section_key, first[0] if first else None, total, generation.completion_tokens)
        )
        yield from pieces
