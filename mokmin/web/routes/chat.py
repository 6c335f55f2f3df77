"""The chat page: pick an allowed model, see what the guard will mask before it leaves, stream the answer,
and keep conversations (encrypted, deleted after the admin's retention period)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any, Literal

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from mokmin.core.db import transaction
from mokmin.core.errors import MokminError
from mokmin.core.levels import DataLevel, Locality
from mokmin.gateway.conversations import Conversations
from mokmin.gateway.routing import Caller, candidates, route
from mokmin.gateway.service import Gateway
from mokmin.gateway.types import ChatMessage, ChatRequest
from mokmin.guard import audit
from mokmin.guard.outbound import inspect
from mokmin.guard.spans import PiiType
from mokmin.web.deps import CSRF, DB, CurrentUser, Lang
from mokmin.web.rendering import render
from mokmin.web.writers import caller_of

router = APIRouter(tags=["chat"])
HISTORY_MESSAGES = 20


class PreviewBody(BaseModel):
    model: str = Field(min_length=1, max_length=200)
    level: Literal["O", "S", "C"] = "O"
    message: str = Field(min_length=1, max_length=100_000)


class SendBody(PreviewBody):
    conversation_id: int | None = None


class FalsePositiveBody(BaseModel):
    type: PiiType


def _conversations(request: Request, db: Any) -> Conversations:
    settings = request.app.state.settings
    return Conversations(db, settings.secret_key.get_secret_value(), settings.chat_retention_days)


@router.get("/chat")
def chat_page(request: Request, db: DB, user: CurrentUser, c: int | None = None) -> Response:
    store = _conversations(request, db)
    current = store.get(user.id, c) if c is not None else None
    gateway: Gateway = request.app.state.gateway
    models = [
        {"name": m.name, "provider": p.config.name, "locality": p.config.locality.value,
         "max_level": p.config.max_data_level.value, "context": m.context_length}
        for p, m in gateway.models(caller_of(user))
    ]  # fmt: skip
    context = {
        "conversations": store.list_for(user.id),
        "current": current,
        "messages": store.messages(current) if current else [],
        "models": models,
        "retention_days": request.app.state.settings.chat_retention_days,
    }
    return render(request, "chat.html", context)


@router.post("/chat/preview", dependencies=[CSRF])
async def preview(request: Request, body: PreviewBody, user: CurrentUser, lang: Lang) -> dict[str, Any]:
    """What the guard finds and what will happen to it, before anything is sent."""
    caller = caller_of(user)
    gateway: Gateway = request.app.state.gateway
    inspection = await anyio.to_thread.run_sync(inspect, [body.message], DataLevel(body.level))
    spans = [{"start": s.start, "end": s.end, "type": str(s.type)} for s in inspection.spans[0]]
    result: dict[str, Any] = {
        "spans": spans,
        "level": inspection.level.value,
        "findings": inspection.findings,
    }
    try:
        options = candidates(gateway.registered(), caller, body.model)
        target = route(options, inspection, gateway.policy_overrides())[0]
    except MokminError as exc:
        result["refused"] = exc.localized(lang)
        return result
    result.update(
        provider=target.name,
        locality=Locality(target.provider.config.locality).value,
        action=target.prepared.action.value,
        masked=target.prepared.texts[0] if target.prepared.action.value == "pseudonymize" else None,
    )
    return result


@router.post("/chat/false-positive", dependencies=[CSRF])
def false_positive(db: DB, user: CurrentUser, body: FalsePositiveBody) -> dict[str, bool]:
    """A user says a highlighted span is not personal data: recorded (type only) for the privacy officer."""
    audit.append(db, "guard.false_positive", audit.actor_of(user), target=body.type.value)
    return {"recorded": True}


def _save_user_message(request: Request, caller: Caller, body: SendBody) -> tuple[int, list[ChatMessage]]:
    with transaction(request.app.state.sessionmaker) as db:
        store = _conversations(request, db)
        if body.conversation_id is None:
            conversation = store.start(caller.user_id or 0, body.model, body.level, body.message)
            history: list[ChatMessage] = []
        else:
            conversation = store.get(caller.user_id or 0, body.conversation_id)
            history = [
                ChatMessage(role="assistant" if m.role == "assistant" else "user", content=m.content)
                for m in store.messages(conversation)[-HISTORY_MESSAGES:]
            ]
        store.add(conversation, "user", body.message)
        return conversation.id, [*history, ChatMessage(role="user", content=body.message)]


def _save_answer(request: Request, caller: Caller, conversation_id: int, text: str, record: Any) -> None:
    with transaction(request.app.state.sessionmaker) as db:
        store = _conversations(request, db)
        store.add(store.get(caller.user_id or 0, conversation_id), "assistant", text, provider=record.provider,
                  input_tokens=record.input_tokens, output_tokens=record.output_tokens, cost=record.cost)  # fmt: skip


@router.post("/chat/send", dependencies=[CSRF])
async def send(request: Request, body: SendBody, user: CurrentUser, lang: Lang) -> Response:
    """Stream the answer as JSON lines: meta, then deltas, then done (tokens, cost) or error."""
    caller = caller_of(user)
    gateway: Gateway = request.app.state.gateway
    conversation_id, messages = await anyio.to_thread.run_sync(_save_user_message, request, caller, body)
    chat_request = ChatRequest(model=body.model, messages=messages)
    stream = await gateway.stream(caller, chat_request, level=DataLevel(body.level), purpose="chat")

    async def lines() -> AsyncIterator[bytes]:
        def line(data: dict[str, Any]) -> bytes:
            return json.dumps(data, ensure_ascii=False).encode() + b"\n"

        parts: list[str] = []
        try:
            async for chunk in stream:
                if not parts and chunk.text is not None:
                    record = stream.record
                    yield line({"type": "meta", "provider": record.provider, "level": record.data_level,
                                "guard": record.action, "conversation_id": conversation_id})  # fmt: skip
                if chunk.text:
                    parts.append(chunk.text)
                    yield line({"type": "delta", "text": chunk.text})
        except MokminError as exc:
            yield line({"type": "error", "message": exc.localized(lang)})
            return
        finally:
            await stream.aclose()  # a client that left closes the call now, not when it is collected
        record = stream.record
        await anyio.to_thread.run_sync(_save_answer, request, caller, conversation_id, "".join(parts), record)
        yield line({"type": "done", "input_tokens": record.input_tokens, "output_tokens": record.output_tokens,
                    "cost": str(record.cost.quantize(Decimal("0.000001"))), "conversation_id": conversation_id})  # fmt: skip

    return StreamingResponse(lines(), media_type="application/x-ndjson")


@router.post("/chat/{conversation_id}/delete", dependencies=[CSRF])
def delete_conversation(request: Request, db: DB, user: CurrentUser, conversation_id: int) -> Response:
    _conversations(request, db).delete(user.id, conversation_id)
    return RedirectResponse("/chat", status_code=303)
