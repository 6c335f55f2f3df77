"""The governed path for every model call: classify → route → guard → provider → restore → record.

``Gateway`` is built once per application. Pages, the ``/v1`` API and background jobs all call
:meth:`Gateway.chat` or :meth:`Gateway.stream`; nothing else talks to a provider.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from decimal import Decimal

import anyio
from sqlalchemy.orm import Session, sessionmaker

from mokmin.core.db import transaction, utcnow
from mokmin.core.errors import MokminError
from mokmin.core.levels import DataLevel
from mokmin.core.settings import Settings
from mokmin.gateway import budgets, catalog
from mokmin.gateway.errors import AllProvidersFailed, CapabilityMissing, ContextTooLong
from mokmin.gateway.limits import CounterStore, DatabaseCounters, RedisCounters, Reservation
from mokmin.gateway.providers.base import Provider, estimate_text_tokens, estimate_tokens
from mokmin.gateway.registry import build_provider
from mokmin.gateway.retry import chat_with_retries, stream_with_retries
from mokmin.gateway.routing import Caller, Target, candidates, offered, route
from mokmin.gateway.types import ChatChunk, ChatMessage, ChatRequest, ChatResult, ModelInfo, Usage
from mokmin.gateway.usage import CallRecord
from mokmin.guard import audit
from mokmin.guard.outbound import inspect

DEFAULT_MAX_TOKENS = 512
CATALOG_TTL_S = 5.0


@dataclass
class Answer:
    """A finished call as the caller sees it: restored text and what it cost."""

    result: ChatResult
    cost: Decimal
    data_level: DataLevel
    guard_action: str
    findings: dict[str, int]


class Gateway:
    def __init__(
        self, settings: Settings, factory: sessionmaker[Session], counters: CounterStore | None = None
    ):
        self.settings = settings
        self.factory = factory
        self.counters = counters or (
            RedisCounters(settings.redis_url) if settings.redis_url else DatabaseCounters(factory)
        )
        self._providers: dict[str, tuple[str, Provider]] = {}
        self._catalog: tuple[float, list[catalog.RegisteredProvider]] | None = None

    # -- providers ---------------------------------------------------------------------------------------

    def registered(self) -> list[catalog.RegisteredProvider]:
        """The registered providers, re-read at most every few seconds (admins' changes apply quickly)."""
        now = time.monotonic()
        if self._catalog is None or now - self._catalog[0] > CATALOG_TTL_S:
            with transaction(self.factory) as db:
                self._catalog = (now, catalog.load(db, self.settings.secret_key.get_secret_value()))
        return self._catalog[1]

    def forget_catalog(self) -> None:
        self._catalog = None

    def provider(self, registered: catalog.RegisteredProvider) -> Provider:
        """One live provider per configuration; rebuilt when an admin changes it."""
        config = registered.config
        fingerprint = config.model_dump_json()
        cached = self._providers.get(config.name)
        if cached is None or cached[0] != fingerprint:
            cached = (fingerprint, build_provider(config))
            self._providers[config.name] = cached
        return cached[1]

    def models(self, caller: Caller) -> list[tuple[catalog.RegisteredProvider, ModelInfo]]:
        return offered(self.registered(), caller)

    async def aclose(self) -> None:
        for _, provider in self._providers.values():
            await provider.aclose()
        self._providers.clear()

    # -- planning ----------------------------------------------------------------------------------------

    async def _plan(
        self, caller: Caller, request: ChatRequest, level: DataLevel, record: CallRecord
    ) -> tuple[list[Target], Reservation]:
        options = candidates(self.registered(), caller, request.model)
        texts = [message.content for message in request.messages]
        inspection = await anyio.to_thread.run_sync(inspect, texts, level)
        record.findings = inspection.findings
        record.data_level = inspection.level.value
        targets = route(options, inspection)
        first = targets[0]
        prompt_tokens = estimate_tokens(self._prepared_request(request, first))
        max_tokens = request.max_tokens or DEFAULT_MAX_TOKENS
        if prompt_tokens + (request.max_tokens or 0) > first.model.context_length:
            raise ContextTooLong(first.name, first.model.name, prompt_tokens, first.model.context_length)
        cost = first.model.cost(Usage(input_tokens=prompt_tokens, output_tokens=max_tokens))
        limits_caller = budgets.Caller(caller.user_id, caller.department_id)
        reservation = await anyio.to_thread.run_sync(
            self._reserve, limits_caller, prompt_tokens + max_tokens, cost
        )
        return targets, reservation

    def _reserve(self, caller: budgets.Caller, tokens: int, cost: Decimal) -> Reservation:
        with transaction(self.factory) as db:
            rules = budgets.rules_for(db, caller)
        return budgets.reserve(self.counters, budgets.limits_for(rules, utcnow()), tokens, cost)

    @staticmethod
    def _prepared_request(request: ChatRequest, target: Target) -> ChatRequest:
        messages = [
            ChatMessage(role=m.role, content=text)
            for m, text in zip(request.messages, target.prepared.texts, strict=True)
        ]
        return request.model_copy(update={"messages": messages, "model": target.model.name})

    def _refused(self, caller: Caller, record: CallRecord, error: MokminError) -> None:
        record.outcome = "refused"
        record.error = error.code
        with transaction(self.factory, write=True) as db:
            actor = audit.Actor(caller.user_id, caller.username, caller.department_id)
            audit.append(
                db, "model.refused", actor, target=record.model or "-", outcome=error.code,
                data_level=record.data_level, findings=record.findings, details={"purpose": record.purpose},
            )  # fmt: skip

    # -- calls -------------------------------------------------------------------------------------------

    async def chat(
        self,
        caller: Caller,
        request: ChatRequest,
        *,
        level: DataLevel = DataLevel.OPEN,
        purpose: str = "chat",
    ) -> Answer:
        record = CallRecord(caller, purpose, level.value, model=request.model)
        try:
            targets, reservation = await self._plan(caller, request, level, record)
        except MokminError as error:
            await anyio.to_thread.run_sync(self._refused, caller, record, error)
            raise
        try:
            target, result = await self._first_answer(targets, request, record)
        except BaseException as error:
            reservation.release()
            record.outcome = "cancelled" if isinstance(error, asyncio.CancelledError) else "error"
            record.error = getattr(error, "code", type(error).__name__)
            await anyio.to_thread.run_sync(record.write, self.factory)
            raise
        record.response_digest = audit.text_digest(result.text)
        restored = result.model_copy(update={"text": target.prepared.restore(result.text)})
        cost = target.model.cost(result.usage)
        record.input_tokens, record.output_tokens, record.cost = (
            result.input_tokens,
            result.output_tokens,
            cost,
        )
        reservation.settle(result.input_tokens + result.output_tokens, cost)
        await anyio.to_thread.run_sync(record.write, self.factory)
        return Answer(
            restored, cost, DataLevel(record.data_level), target.prepared.action.value, record.findings
        )

    async def embed(
        self,
        caller: Caller,
        model: str,
        texts: list[str],
        *,
        level: DataLevel = DataLevel.OPEN,
        purpose: str = "embedding",
    ) -> tuple[list[list[float]], int]:
        """Vectors for ``texts`` through the same guard and record as chat; returns (vectors, tokens)."""
        record = CallRecord(caller, purpose, level.value, model=model)
        try:
            options = [
                (p, m)
                for p, m in candidates(self.registered(), caller, model)
                if p.config.capabilities.embeddings
            ]
            if not options:
                raise CapabilityMissing(model, "임베딩(embeddings)")
            inspection = await anyio.to_thread.run_sync(inspect, texts, level)
            record.findings, record.data_level = inspection.findings, inspection.level.value
            target = route(options, inspection)[0]
        except MokminError as error:
            await anyio.to_thread.run_sync(self._refused, caller, record, error)
            raise
        record.provider, record.model, record.action = (
            target.name,
            target.model.name,
            target.prepared.action.value,
        )
        record.request_digest = audit.text_digest("\n".join(target.prepared.texts))
        tokens = sum(estimate_text_tokens(text) for text in target.prepared.texts)
        try:
            vectors = await self.provider(target.provider).embed(target.prepared.texts, target.model.name)
        except BaseException as error:
            record.outcome, record.error = "error", getattr(error, "code", type(error).__name__)
            await anyio.to_thread.run_sync(record.write, self.factory)
            raise
        record.input_tokens = tokens
        record.cost = target.model.cost(Usage(input_tokens=tokens, output_tokens=0))
        await anyio.to_thread.run_sync(record.write, self.factory)
        return vectors, tokens

    async def _first_answer(
        self, targets: list[Target], request: ChatRequest, record: CallRecord
    ) -> tuple[Target, ChatResult]:
        failures = []
        for target in targets:
            prepared = self._prepared_request(request, target)
            self._describe(record, target, prepared)
            try:
                result = await chat_with_retries(self.provider(target.provider), prepared)
            except MokminError as error:
                if not getattr(error, "fallback", False):
                    raise
                failures.append(error)
                continue
            record.mark_first_token()
            return target, result
        raise failures[0] if len(failures) == 1 else AllProvidersFailed(failures)  # type: ignore[arg-type]

    @staticmethod
    def _describe(record: CallRecord, target: Target, prepared: ChatRequest) -> None:
        record.provider, record.model = target.name, target.model.name
        record.action = target.prepared.action.value
        record.request_digest = audit.text_digest("\n".join(m.content for m in prepared.messages))

    async def stream(
        self,
        caller: Caller,
        request: ChatRequest,
        *,
        level: DataLevel = DataLevel.OPEN,
        purpose: str = "chat",
    ) -> GatewayStream:
        """Chunks with placeholders restored; the last one carries usage. Usage is recorded on every exit."""
        record = CallRecord(caller, purpose, level.value, model=request.model, streamed=True)
        try:
            targets, reservation = await self._plan(caller, request, level, record)
        except MokminError as error:
            await anyio.to_thread.run_sync(self._refused, caller, record, error)
            raise
        return GatewayStream(self._stream(targets, request, record, reservation), record)

    async def _stream(
        self, targets: list[Target], request: ChatRequest, record: CallRecord, reservation: Reservation
    ) -> AsyncGenerator[ChatChunk, None]:
        answered: list[str] = []
        usage: Usage | None = None
        target: Target | None = None
        try:
            target, chunks = await self._first_stream(targets, request, record)
            restorer = target.prepared.restorer()
            async for chunk in chunks:
                if chunk.text:
                    record.mark_first_token()
                    answered.append(chunk.text)
                text = restorer.feed(chunk.text) if restorer and chunk.text else chunk.text
                if chunk.usage is not None:
                    usage = chunk.usage
                    tail = restorer.flush() if restorer else ""
                    if tail:
                        yield ChatChunk(text=tail)
                    yield ChatChunk(text=text, finish_reason=chunk.finish_reason, usage=chunk.usage)
                elif text:
                    yield ChatChunk(text=text)
        except BaseException as error:
            record.outcome = (
                "cancelled" if isinstance(error, asyncio.CancelledError | GeneratorExit) else "error"
            )
            record.error = getattr(error, "code", type(error).__name__)
            raise
        finally:
            record.response_digest = audit.text_digest("".join(answered))
            if usage is not None and target is not None:
                record.input_tokens, record.output_tokens = usage.input_tokens, usage.output_tokens
                record.cost = target.model.cost(usage)
                reservation.settle(usage.total_tokens, record.cost)
            elif answered:
                record.output_tokens = len(answered)
                reservation.settle(record.output_tokens, Decimal(0))
            else:
                reservation.release()
            # Written synchronously: this may run while the task is being cancelled (client gone).
            record.write(self.factory)

    async def _first_stream(
        self, targets: list[Target], request: ChatRequest, record: CallRecord
    ) -> tuple[Target, AsyncIterator[ChatChunk]]:
        failures = []
        for target in targets:
            prepared = self._prepared_request(request, target)
            self._describe(record, target, prepared)
            chunks = stream_with_retries(self.provider(target.provider), prepared)
            try:
                first = await anext(chunks)
            except StopAsyncIteration:
                return target, _empty()
            except MokminError as error:
                await chunks.aclose()
                if not getattr(error, "fallback", False):
                    raise
                failures.append(error)
                continue
            return target, _prepend(first, chunks)
        raise failures[0] if len(failures) == 1 else AllProvidersFailed(failures)  # type: ignore[arg-type]


class GatewayStream:
    """A streamed answer; ``record`` tells, once it started, which provider answers, at what level, at what cost."""

    def __init__(self, chunks: AsyncGenerator[ChatChunk, None], record: CallRecord) -> None:
        self._chunks = chunks
        self.record = record

    def __aiter__(self) -> GatewayStream:
        return self

    async def __anext__(self) -> ChatChunk:
        return await anext(self._chunks)

    async def aclose(self) -> None:
        await self._chunks.aclose()


async def _empty() -> AsyncIterator[ChatChunk]:
    return
    yield  # pragma: no cover


async def _prepend(first: ChatChunk, rest: AsyncIterator[ChatChunk]) -> AsyncIterator[ChatChunk]:
    try:
        yield first
        async for chunk in rest:
            yield chunk
    finally:
        aclose = getattr(rest, "aclose", None)
        if aclose is not None:
            await aclose()
