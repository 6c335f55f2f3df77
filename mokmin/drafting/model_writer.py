"""Prose for drafts, written by a model through the governed path.

The drafting studio and ``mokmin draft`` render in a worker thread and ask for a sync ``write_section(key,
prompt)`` iterator; this adapter pulls each streamed chunk from the gateway running on the event loop, so every
section is one model call with the guard, routing, budgets, usage and audit applied (purpose = the document type).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import anyio.from_thread

from mokmin.core.levels import DataLevel
from mokmin.gateway.routing import Caller
from mokmin.gateway.service import Gateway
from mokmin.gateway.types import ChatChunk, ChatMessage, ChatRequest

WriteSection = Callable[[str, str], Iterator[str]]

SYSTEM_PROMPT = (
    "당신은 한국 지방자치단체의 공문서 작성을 돕는 보조자입니다. 주어진 사실만 사용하고, 숫자·날짜·이름·연락처를 "
    "새로 만들어 내지 마세요. 요청한 부분의 본문만 쓰고 제목이나 머리말은 쓰지 마세요."
)
SECTION_MAX_TOKENS = 400


def caller_of(user: Any) -> Caller:
    """The routing identity of a signed-in :class:`mokmin.core.models.User`."""
    institution_id = user.department.institution_id if user.department else None
    return Caller(user.id, user.username, user.role.value, user.department_id, institution_id)


def default_model(gateway: Gateway, caller: Caller) -> str:
    models = gateway.models(caller)
    if not models:
        from mokmin.core.errors import NotFound

        raise NotFound("gateway.no_models")
    return models[0][1].name


class GatewaySectionWriter:
    """A ``write_section`` to be called from a worker thread started by anyio (``to_thread``).

    ``model_name`` is what the AI-assistance label names; it is resolved when the writer is made.
    """

    def __init__(
        self,
        gateway: Gateway,
        caller: Caller,
        model: str | None,
        purpose: str,
        level: DataLevel = DataLevel.OPEN,
        max_tokens: int = SECTION_MAX_TOKENS,
    ) -> None:
        self.gateway = gateway
        self.max_tokens = max_tokens
        self.caller = caller
        self.model_name = model or default_model(gateway, caller)
        self.purpose = purpose
        self.level = level

    def __call__(self, section_key: str, prompt: str) -> Iterator[str]:
        request = ChatRequest(
            model=self.model_name,
            messages=[
                ChatMessage(role="system", content=SYSTEM_PROMPT),
                ChatMessage(role="user", content=prompt),
            ],
            max_tokens=self.max_tokens,
        )

        async def open_stream() -> Any:
            return await self.gateway.stream(
                self.caller, request, level=self.level, purpose=f"draft:{self.purpose}"
            )

        chunks = anyio.from_thread.run(open_stream)
        try:
            while True:
                try:
                    chunk: ChatChunk = anyio.from_thread.run(chunks.__anext__)
                except StopAsyncIteration:
                    return
                if chunk.text:
                    yield chunk.text
        finally:
            anyio.from_thread.run(chunks.aclose)
