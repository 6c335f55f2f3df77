"""The studio's hook into the governed model path (see :mod:`mokmin.drafting.model_writer`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mokmin.core.levels import DataLevel
from mokmin.drafting.model_writer import (
    SECTION_MAX_TOKENS,
    SYSTEM_PROMPT,
    GatewaySectionWriter,
    WriteSection,
    caller_of,
    default_model,
)
from mokmin.gateway.service import Gateway

__all__ = [
    "SECTION_MAX_TOKENS",
    "SYSTEM_PROMPT",
    "GatewaySectionWriter",
    "WriteSection",
    "caller_of",
    "default_model",
    "section_writer_factory",
]


def section_writer_factory(gateway: Gateway) -> Callable[..., WriteSection]:
    """What the studio finds at ``app.state.section_writer(user, model_name, doc_type, level=...)``.

    ``level`` is the draft's data level (raised by attached sources), so routing and the guard see it.
    """

    def make(user: Any, model: str | None, doc_type: str, level: DataLevel = DataLevel.OPEN) -> WriteSection:
        max_tokens = gateway.settings.draft_section_max_tokens
        return GatewaySectionWriter(
            gateway, caller_of(user), model, doc_type, level=level, max_tokens=max_tokens
        )

    return make
