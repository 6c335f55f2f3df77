"""The OpenAI-compatible API under ``/v1``: existing OpenAI clients work unchanged, through the governed path.

Authenticated by personal API keys (``Authorization: Bearer mk-…``). mokmin extensions travel in headers:
``X-Mokmin-Data-Level`` (O, S or C; default O) and ``X-Mokmin-Purpose`` on requests; ``X-Mokmin-Provider``,
``X-Mokmin-Data-Level``, ``X-Mokmin-Guard`` and ``X-Mokmin-Cost`` on answers.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mokmin.core import auth
from mokmin.core.db import transaction
from mokmin.core.errors import MokminError, ValidationFailed
from mokmin.core.levels import DataLevel
from mokmin.gateway.routing import Caller
from mokmin.gateway.service import Gateway
from mokmin.gateway.types import ChatChunk, ChatMessage, ChatRequest

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


def _caller_for_key(request: Request, authorization: str | None) -> Caller:
    token = authorization[7:].strip() if authorization and authorization[:7].lower() == "bearer " else None
    with transaction(request.app.state.sessionmaker, write=True) as db:  # records last use
        user = auth.user_for_api_key(db, token)
        institution_id = user.department.institution_id if user.department else None
        return Caller(user.id, user.username, user.role.value, user.department_id, institution_id)


async def api_caller(request: Request, authorization: str | None) -> Caller:
    return await anyio.to_thread.run_sync(_caller_for_key, request, authorization)


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
        return StreamingResponse(
            events, media_type="text/event-stream", headers={"cache-control": "no-cache"}
        )
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


async def _sse(
    chunks: AsyncIterator[ChatChunk], completion_id: str, created: int, model: str, include_usage: bool
) -> AsyncIterator[bytes]:
    base = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model}

    def event(choices: list[dict[str, Any]], **extra: Any) -> bytes:
        return (
            b"data: "
            + json.dumps({**base, "choices": choices, **extra}, ensure_ascii=False).encode()
            + b"\n\n"
        )

    yield event([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])
    try:
        async for chunk in chunks:
            if chunk.text:
                yield event([{"index": 0, "delta": {"content": chunk.text}, "finish_reason": None}])
            if chunk.usage is not None:
                yield event(
                    [{"index": 0, "delta": {}, "finish_reason": _finish(chunk.finish_reason) or "stop"}]
                )
                if include_usage:
                    yield event([], usage=_usage(chunk.usage.input_tokens, chunk.usage.output_tokens))
    except MokminError as error:
        from mokmin.web.errors import openai_error_body

        yield (
            b"data: "
            + json.dumps(openai_error_body(error.status, error.localized("ko"), error.code)).encode()
            + b"\n\n"
        )
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
