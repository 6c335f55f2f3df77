"""The OpenAI-compatible API under ``/v1``: existing OpenAI clients work unchanged, through the governed path.

Authenticated by personal API keys (``Authorization: Bearer mk-…``). mokmin extensions travel in headers:
``X-Mokmin-Data-Level`` (O, S or C; default O) and ``X-Mokmin-Purpose`` on requests; ``X-Mokmin-Provider``,
``X-Mokmin-Data-Level``, ``X-Mokmin-Guard`` and ``X-Mokmin-Cost`` on answers.

API keys are checked against the database at most every ``KEY_CACHE_TTL_S`` seconds per key and worker
(:class:`KeyCache`); revoking a key, disabling a user or changing a user's role or department takes effect
at once in the worker that saved it and within that TTL everywhere else. ``last_used_at`` is written at most
once a minute per key.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
import time
from collections.abc import AsyncGenerator
from datetime import timedelta
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import event, select, update
from sqlalchemy import inspect as orm_inspect
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import Receive, Scope, Send

from mokmin.core import auth
from mokmin.core.db import transaction, utcnow
from mokmin.core.errors import MokminError, ValidationFailed
from mokmin.core.levels import DataLevel
from mokmin.core.models import ApiKey, User
from mokmin.core.security import digest
from mokmin.gateway.routing import Caller
from mokmin.gateway.service import Gateway, GatewayStream
from mokmin.gateway.types import ChatMessage, ChatRequest

router = APIRouter(prefix="/v1", tags=["openai-compatible"])


class TextPart(BaseModel):
    type: Literal["text"]
    text: str


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: Literal["system", "developer", "user", "assistant"]
    content: str | list[TextPart]

    def as_message(self) -> ChatMessage:
        text = self.content if isinstance(self.content, str) else "".join(part.text for part in self.content)
        return ChatMessage(role="system" if self.role == "developer" else self.role, content=text)


class StreamOptions(BaseModel):
    include_usage: bool = False


class ChatCompletionBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    model: str = Field(min_length=1, max_length=200)
    messages: list[MessageIn] = Field(min_length=1, max_length=1000)
    stream: bool = False
    stream_options: StreamOptions | None = None
    max_tokens: int | None = Field(default=None, ge=1, le=1_000_000)
    max_completion_tokens: int | None = Field(default=None, ge=1, le=1_000_000)
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, gt=0, le=1)
    stop: str | list[str] | None = None
    seed: int | None = None
    n: int = Field(default=1, ge=1, le=1)

    @field_validator("stop")
    @classmethod
    def _stop_list(cls, value: str | list[str] | None) -> str | list[str] | None:
        if isinstance(value, list) and len(value) > 4:
            raise ValueError("at most 4 stop sequences")
        return value

    def as_request(self) -> ChatRequest:
        stop = [self.stop] if isinstance(self.stop, str) else self.stop
        return ChatRequest(
            model=self.model,
            messages=[m.as_message() for m in self.messages],
            max_tokens=self.max_completion_tokens or self.max_tokens,
            temperature=self.temperature,
            top_p=self.top_p,
            stop=stop or None,
            seed=self.seed,
        )


class EmbeddingBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    model: str = Field(min_length=1, max_length=200)
    input: str | list[str] = Field(min_length=1)


def gateway_of(request: Request) -> Gateway:
    gateway: Gateway = request.app.state.gateway
    return gateway


KEY_CACHE_TTL_S = 5.0
LAST_USED_EVERY = timedelta(minutes=1)

_generation = 0


def _access_changed(*_: Any) -> None:
    """Any change in this process to what a key grants empties every key cache (see the module docstring)."""
    global _generation
    _generation += 1


for _attribute in (ApiKey.revoked_at, ApiKey.expires_at, ApiKey.user_id, User.is_active, User.role,
                   User.department_id, User.username):  # fmt: skip
    event.listen(_attribute, "set", _access_changed)
event.listen(ApiKey, "after_delete", _access_changed)
event.listen(User, "after_delete", _access_changed)


class KeyCache:
    """Valid API keys → their caller, for a few seconds; only successful checks are kept, by key digest."""

    def __init__(self, ttl: float = KEY_CACHE_TTL_S) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[float, int, Caller]] = {}
        self._lock = threading.Lock()

    def get(self, key_digest: str) -> Caller | None:
        entry = self._entries.get(key_digest)
        if entry is None or entry[1] != _generation or time.monotonic() >= entry[0]:
            return None
        return entry[2]

    def put(self, key_digest: str, caller: Caller, valid_for: float, generation: int) -> None:
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[key_digest] = (time.monotonic() + min(self.ttl, valid_for), generation, caller)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def key_cache(request: Request) -> KeyCache:
    cache: KeyCache | None = getattr(request.app.state, "api_key_cache", None)
    if cache is None:
        cache = request.app.state.api_key_cache = KeyCache()
    return cache


def forget_api_keys(app: Any) -> None:
    """Empty this app's key cache (for code that changes keys or users without going through the ORM)."""
    cache: KeyCache | None = getattr(app.state, "api_key_cache", None)
    if cache is not None:
        cache.clear()


def _bearer(authorization: str | None) -> str | None:
    token = authorization[7:].strip() if authorization and authorization[:7].lower() == "bearer " else None
    return token or None


def check_api_key(factory: sessionmaker[Session], token: str | None, cache: KeyCache) -> Caller:
    """The caller behind ``token``, checked by :func:`mokmin.core.auth.user_for_api_key` (the one place
    that decides what a valid key is), without a write unless ``last_used_at`` is a minute old."""
    generation = _generation
    with transaction(factory) as db, db.no_autoflush:  # read only: rolled back, never writes
        user = auth.user_for_api_key(db, token)
        key = db.scalar(select(ApiKey).where(ApiKey.key_hash == digest((token or "").strip())))
        if key is None:  # pragma: no cover - user_for_api_key has just found it
            raise RuntimeError("API key vanished during its check")
        institution_id = user.department.institution_id if user.department else None
        caller = Caller(user.id, user.username, user.role.value, user.department_id, institution_id)
        previous_use, expires_at, key_id = _previous(key), key.expires_at, key.id
        db.rollback()
    now = utcnow()
    if previous_use is None or now - previous_use >= LAST_USED_EVERY:
        with transaction(factory, write=True) as db:
            db.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=now))
    valid_for = KEY_CACHE_TTL_S
    if expires_at is not None:
        valid_for = (_aware(expires_at) - now).total_seconds()
    cache.put(digest((token or "").strip()), caller, valid_for, generation)
    return caller


def _previous(key: ApiKey) -> Any:
    """``last_used_at`` as stored, before ``user_for_api_key`` set it to now."""
    history = orm_inspect(key).attrs.last_used_at.history
    old = history.deleted[0] if history.deleted else key.last_used_at
    return _aware(old) if old is not None else None


def _aware(moment: Any) -> Any:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=utcnow().tzinfo)


async def api_caller(request: Request, authorization: str | None) -> Caller:
    token = _bearer(authorization)
    cache = key_cache(request)
    if token is not None:
        cached = cache.get(digest(token))
        if cached is not None:
            return cached
    return await anyio.to_thread.run_sync(check_api_key, request.app.state.sessionmaker, token, cache)


async def parse_body(request: Request, model: type[BaseModel]) -> Any:
    """The JSON body as ``model``; malformed JSON and wrong types are clear 400s naming the field."""
    try:
        data = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ValidationFailed("gateway.bad_json", 400) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "body"
        raise ValidationFailed("gateway.bad_field", 400, field=field, problem=first["msg"]) from None


def parse_level(value: str | None) -> DataLevel:
    try:
        return DataLevel((value or "O").strip().upper())
    except ValueError:
        raise ValidationFailed("gateway.bad_level", 400, level=(value or "")[:10]) from None


@router.get("/models")
async def list_models(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> dict[str, Any]:
    caller = await api_caller(request, authorization)
    seen: dict[str, str] = {}
    for provider, model in gateway_of(request).models(caller):
        seen.setdefault(model.name, provider.config.name)
    data = [{"id": name, "object": "model", "created": 0, "owned_by": owner} for name, owner in seen.items()]
    return {"object": "list", "data": data}


@router.post("/chat/completions", response_model=None)
async def chat_completions(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
    x_mokmin_data_level: Annotated[str | None, Header()] = None,
    x_mokmin_purpose: Annotated[str | None, Header()] = None,
) -> Response:
    caller = await api_caller(request, authorization)
    body: ChatCompletionBody = await parse_body(request, ChatCompletionBody)
    chat_request = body.as_request()
    level = parse_level(x_mokmin_data_level)
    purpose = (x_mokmin_purpose or "chat")[:64]
    gateway = gateway_of(request)
    completion_id = "chatcmpl-" + secrets.token_hex(12)
    created = int(time.time())
    if body.stream:
        chunks = await gateway.stream(caller, chat_request, level=level, purpose=purpose)
        include_usage = bool(body.stream_options and body.stream_options.include_usage)
        events = _sse(chunks, completion_id, created, body.model, include_usage)
        return EventStream(events, headers={"cache-control": "no-cache"})
    answer = await gateway.chat(caller, chat_request, level=level, purpose=purpose)
    result = answer.result
    payload = {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": body.model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": result.text},
                "finish_reason": _finish(result.finish_reason),
            }
        ],
        "usage": _usage(result.input_tokens, result.output_tokens),
    }
    headers = {
        "x-mokmin-provider": result.provider,
        "x-mokmin-data-level": answer.data_level.value,
        "x-mokmin-guard": answer.guard_action,
        "x-mokmin-cost": f"{answer.cost:.8f}",
    }
    return JSONResponse(payload, headers=headers)


def _finish(reason: str | None) -> str | None:
    return {"error": "stop", "cancelled": "stop"}.get(reason or "", reason)


def _usage(prompt: int, completion: int) -> dict[str, int]:
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


class EventStream(Response):
    """Server-sent events, sent from the request's own task as the generator yields them.

    Unlike Starlette's ``StreamingResponse`` (which starts a task per response to send the body), the first
    event, and so the call to the model, go out in the same turn of the event loop that planned the call. A
    small task only listens for the client going away, and then cancels the stream, which records the call
    as cancelled on its way out.
    """

    media_type = "text/event-stream"

    def __init__(self, events: AsyncGenerator[bytes, None], headers: dict[str, str]) -> None:
        self.events = events
        self.status_code = 200
        self.background = None
        self.init_headers(headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        with anyio.CancelScope() as stream:
            listener = asyncio.get_running_loop().create_task(_cancel_on_disconnect(receive, stream))
            try:
                async for event in self.events:
                    await send({"type": "http.response.body", "body": event, "more_body": True})
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            finally:
                listener.cancel()
                await self.events.aclose()


async def _cancel_on_disconnect(receive: Receive, stream: anyio.CancelScope) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
    stream.cancel()


async def _sse(
    chunks: GatewayStream, completion_id: str, created: int, model: str, include_usage: bool
) -> AsyncGenerator[bytes, None]:
    # Every event shares its head; only the choices (and usage) differ, so the head is encoded once.
    head = json.dumps(
        {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model},
        ensure_ascii=False,
    )[:-1].encode()

    def event(choices: list[dict[str, Any]], **extra: Any) -> bytes:
        tail = json.dumps({"choices": choices, **extra}, ensure_ascii=False)[1:].encode()
        return b"data: " + head + b", " + tail + b"\n\n"

    try:
        yield event([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])
        async for chunk in chunks:
            if chunk.text:
                yield event([{"index": 0, "delta": {"content": chunk.text}, "finish_reason": None}])
            if chunk.usage is not None:
                finish = [{"index": 0, "delta": {}, "finish_reason": _finish(chunk.finish_reason) or "stop"}]
                usage = _usage(chunk.usage.input_tokens, chunk.usage.output_tokens)
                # The finish and usage events go out together: one write instead of two.
                yield event(finish) + (event([], usage=usage) if include_usage else b"")
    except MokminError as error:
        from mokmin.web.errors import openai_error_body

        yield (
            b"data: "
            + json.dumps(openai_error_body(error.status, error.localized("ko"), error.code)).encode()
            + b"\n\n"
        )
    finally:
        # Closed early (the client left): the gateway's stream records the call now, not when collected.
        await chunks.aclose()
    yield b"data: [DONE]\n\n"


@router.post("/embeddings")
async def embeddings(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
    x_mokmin_data_level: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    caller = await api_caller(request, authorization)
    body: EmbeddingBody = await parse_body(request, EmbeddingBody)
    texts = [body.input] if isinstance(body.input, str) else body.input
    vectors, tokens = await gateway_of(request).embed(
        caller, body.model, texts, level=parse_level(x_mokmin_data_level)
    )
    data = [{"object": "embedding", "index": i, "embedding": vector} for i, vector in enumerate(vectors)]
    return {
        "object": "list",
        "data": data,
        "model": body.model,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }
