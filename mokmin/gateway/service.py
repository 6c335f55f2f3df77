"""The governed path for every model call: classify → route → guard → provider → restore → record.

``Gateway`` is built once per application. Pages, the ``/v1`` API and background jobs all call
:meth:`Gateway.chat` or :meth:`Gateway.stream`; nothing else talks to a provider.

A call has two database moments: planning (guard, route, reserve the budget in one transaction) and
finishing (settle the reservation, usage event and audit event in one transaction). Finishing is shielded
from cancellation, so a client that goes away still leaves exactly one record and no stale reservation.

Where they run: on SQLite with the counters in it (the embedded setup) both are short local writes, so they
run on the event loop itself, which spares two thread hops per call and keeps requests in arrival order;
should another writer hold the database (another process, a page writing), or the prompt be long enough
that inspecting it would hold up other streams, that step runs in a worker thread as it does elsewhere. So
does the first call's planning: the guard loads its word list and recognizers then, seconds the event loop
must not wait. With PostgreSQL or Redis every step that touches them runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass
from decimal import Decimal

import anyio
from sqlalchemy.orm import Session, sessionmaker

from mokmin.core.db import DirectWrite, WriteWouldWait, holding, transaction, utcnow, without_waiting
from mokmin.core.errors import MokminError
from mokmin.core.levels import DataLevel, Locality
from mokmin.core.settings import Settings
from mokmin.gateway import budgets, catalog
from mokmin.gateway.errors import AllProvidersFailed, CapabilityMissing, ContextTooLong
from mokmin.gateway.limits import CounterStore, DatabaseCounters, RedisCounters, Reservation
from mokmin.gateway.models import BudgetRule
from mokmin.gateway.providers.base import Provider, estimate_text_tokens, estimate_tokens
from mokmin.gateway.registry import build_provider
from mokmin.gateway.retry import chat_with_retries, stream_with_retries
from mokmin.gateway.routing import Caller, Target, candidates, offered, route
from mokmin.gateway.types import ChatChunk, ChatMessage, ChatRequest, ChatResult, ModelInfo, Usage
from mokmin.gateway.usage import CallRecord
from mokmin.guard import audit, policy_store
from mokmin.guard.outbound import inspect
from mokmin.guard.policy import Action

log = logging.getLogger(__name__)

DEFAULT_MAX_TOKENS = 512
CATALOG_TTL_S = 5.0
# Prompts up to this many characters are inspected on the event loop (a fraction of a millisecond); longer
# ones in a worker thread, so that a pasted document never stalls other users' streams.
INLINE_MAX_CHARS = 4096


@dataclass
class _Call:
    """One call in flight: its record and, once planned, the budget it holds (kept here, not in a return
    value, so that a task cancelled while the reservation is being made can still give it back)."""

    record: CallRecord
    reservation: Reservation | None = None
    finished: bool = False


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
        dialect = getattr(factory.kw.get("bind"), "dialect", None)
        # SQLite has one writer at a time: this process's writers queue on a lock rather than on SQLite's
        # busy handler (which sleeps in growing steps). Other databases lock rows, so writers run in parallel.
        self.write_lock = threading.Lock() if getattr(dialect, "name", "") == "sqlite" else None
        self.counters = counters or (
            RedisCounters(settings.redis_url)
            if settings.redis_url
            else DatabaseCounters(factory, self.write_lock)
        )
        # Planning and finishing on the event loop: SQLite with its counters in it (see the module docstring).
        self.inline = self.write_lock is not None and isinstance(self.counters, DatabaseCounters)
        self._guard_loaded = False  # set once the guard has inspected a prompt (its data is loaded)
        self.rules = budgets.RuleCache()
        self._providers: dict[str, tuple[catalog.RegisteredProvider, str, Provider]] = {}
        self._catalog: tuple[float, list[catalog.RegisteredProvider]] | None = None
        self._overrides: tuple[float, dict[tuple[DataLevel, Locality], Action]] | None = None

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
        self._overrides = None

    def policy_overrides(self) -> dict[tuple[DataLevel, Locality], Action]:
        """The privacy officer's stricter policy cells, re-read at most every few seconds."""
        now = time.monotonic()
        if self._overrides is None or now - self._overrides[0] > CATALOG_TTL_S:
            with transaction(self.factory) as db:
                self._overrides = (now, policy_store.load_overrides(db))
        return self._overrides[1]

    def provider(self, registered: catalog.RegisteredProvider) -> Provider:
        """One live provider per configuration; rebuilt when an admin changes it.

        The configuration is compared only when the catalog was re-read (a new object), not on every call.
        """
        config = registered.config
        cached = self._providers.get(config.name)
        if cached is not None and cached[0] is registered:
            return cached[2]
        fingerprint = config.model_dump_json()
        if cached is None or cached[1] != fingerprint:
            cached = (registered, fingerprint, build_provider(config))
        else:
            cached = (registered, fingerprint, cached[2])
        self._providers[config.name] = cached
        return cached[2]

    def models(self, caller: Caller) -> list[tuple[catalog.RegisteredProvider, ModelInfo]]:
        return offered(self.registered(), caller)

    async def aclose(self) -> None:
        for _, _, provider in self._providers.values():
            await provider.aclose()
        self._providers.clear()

    # -- planning ----------------------------------------------------------------------------------------

    async def _plan(
        self, caller: Caller, request: ChatRequest, level: DataLevel, call: _Call
    ) -> list[Target]:
        """Guard, route and reserve in one step, on the event loop or in a worker thread (see the module
        docstring); a refusal is recorded, then raised."""
        try:
            if self._plan_inline(request):
                try:
                    with without_waiting():
                        return self._plan_sync(caller, request, level, call)
                except WriteWouldWait:
                    pass  # another writer holds the database: wait for it in a worker thread
            return await anyio.to_thread.run_sync(self._plan_sync, caller, request, level, call)
        except MokminError as error:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(self._refused, caller, call.record, error)
            raise
        except BaseException as error:  # cancelled (client gone) or a bug: still recorded, budget given back
            self._failed(call.record, error)
            await self._finish(call, None)
            raise

    def _plan_inline(self, request: ChatRequest) -> bool:
        """Whether to plan on the event loop (see the module docstring)."""
        if not (self.inline and self._guard_loaded):
            return False
        return sum(len(m.content) for m in request.messages) <= INLINE_MAX_CHARS

    def _plan_sync(self, caller: Caller, request: ChatRequest, level: DataLevel, call: _Call) -> list[Target]:
        record = call.record
        options = candidates(self.registered(), caller, request.model)
        texts = [message.content for message in request.messages]
        inspection = inspect(texts, level)
        self._guard_loaded = self._guard_loaded or any(texts)
        record.findings = inspection.findings
        record.data_level = inspection.level.value
        targets = route(options, inspection, self.policy_overrides())
        first = targets[0]
        prompt_tokens = estimate_tokens(self._prepared_request(request, first))
        max_tokens = request.max_tokens or DEFAULT_MAX_TOKENS
        if prompt_tokens + (request.max_tokens or 0) > first.model.context_length:
            raise ContextTooLong(first.name, first.model.name, prompt_tokens, first.model.context_length)
        cost = first.model.cost(Usage(input_tokens=prompt_tokens, output_tokens=max_tokens))
        limits_caller = budgets.Caller(caller.user_id, caller.department_id)
        call.reservation = self._reserve(limits_caller, prompt_tokens + max_tokens, cost)
        return targets

    def _reserve(self, caller: budgets.Caller, tokens: int, cost: Decimal) -> Reservation:
        rules = self.rules.get(caller, lambda: self._load_rules(caller))
        return budgets.reserve(self.counters, budgets.limits_for(rules, utcnow()), tokens, cost)

    def _load_rules(self, caller: budgets.Caller) -> list[BudgetRule]:
        with transaction(self.factory) as db:
            return budgets.rules_for(db, caller)

    async def _finish(self, call: _Call, used: tuple[int, Decimal] | None) -> None:
        """Settle (``used``: real tokens and cost) or give back the reservation and write the record; on the
        event loop (no await, so nothing can interrupt it) or in a worker thread, shielded: this runs while a
        cancelled task unwinds too."""
        if call.finished:
            return
        if self.inline:
            try:
                with without_waiting():
                    self._finish_sync(call, used)
                return
            except WriteWouldWait:
                pass  # another writer holds the database: wait for it in a worker thread
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(self._finish_sync, call, used)

    def _finish_sync(self, call: _Call, used: tuple[int, Decimal] | None) -> None:
        if call.finished:
            return
        reservation = call.reservation
        call.finished, call.reservation = True, None
        try:
            self._record(call, reservation, used)
        except WriteWouldWait:  # nothing was written or settled: still to be finished
            call.finished, call.reservation = False, reservation
            raise

    def _record(self, call: _Call, reservation: Reservation | None, used: tuple[int, Decimal] | None) -> None:
        """Settle or give back ``reservation`` and write the call's record: one transaction when the counters
        live in the database (a write that would wait stops before either happens)."""

        def settle(db: Session | DirectWrite | None) -> None:
            if reservation is None:
                return
            if used is None:
                reservation.release(db)
            else:
                reservation.settle(*used, db=db)

        secret, days = self.settings.secret_key.get_secret_value(), self.settings.vault_retention_days
        if self.counters.shares(self.factory):
            call.record.write(
                self.factory, settle=settle, lock=self.write_lock, vault_secret=secret, vault_days=days
            )
            return
        try:
            settle(None)  # Redis: its own round trip, before the record
        finally:
            call.record.write(self.factory, lock=self.write_lock, vault_secret=secret, vault_days=days)

    @staticmethod
    def _failed(record: CallRecord, error: BaseException) -> None:
        cancelled = isinstance(error, asyncio.CancelledError | GeneratorExit)
        record.outcome = "cancelled" if cancelled else "error"
        record.error = getattr(error, "code", type(error).__name__)

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
        with holding(self.write_lock), transaction(self.factory, write=True) as db:
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
        call = _Call(record)
        targets = await self._plan(caller, request, level, call)
        try:
            target, result = await self._first_answer(targets, request, record)
        except BaseException as error:
            self._failed(record, error)
            await self._finish(call, None)
            raise
        record.response_digest = audit.text_digest(result.text)
        restored = result.model_copy(update={"text": target.prepared.restore(result.text)})
        cost = target.model.cost(result.usage)
        record.input_tokens, record.output_tokens, record.cost = (
            result.input_tokens,
            result.output_tokens,
            cost,
        )
        await self._finish(call, (result.input_tokens + result.output_tokens, cost))
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
            target = route(options, inspection, self.policy_overrides())[0]
        except MokminError as error:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(self._refused, caller, record, error)
            raise
        record.provider, record.model, record.action = (
            target.name,
            target.model.name,
            target.prepared.action.value,
        )
        record.request_digest = audit.text_digest("\n".join(target.prepared.texts))
        tokens = sum(estimate_text_tokens(text) for text in target.prepared.texts)
        call = _Call(record)
        try:
            vectors = await self.provider(target.provider).embed(target.prepared.texts, target.model.name)
        except BaseException as error:
            self._failed(record, error)
            await self._finish(call, None)
            raise
        record.input_tokens = tokens
        record.cost = target.model.cost(Usage(input_tokens=tokens, output_tokens=0))
        await self._finish(call, None)
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
        pseudonymizer = target.prepared.pseudonymizer
        record.mapping = dict(pseudonymizer.mapping) if pseudonymizer is not None else {}
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
        call = _Call(record)
        targets = await self._plan(caller, request, level, call)
        return GatewayStream(self._stream(targets, request, call), record, lambda: self._abandoned(call))

    def _abandoned(self, call: _Call) -> None:
        """The stream was dropped before anyone read from it: record that and give the budget back."""
        if not call.finished:
            call.record.outcome, call.record.error = "cancelled", "abandoned"
            self._finish_sync(call, None)

    async def _stream(
        self, targets: list[Target], request: ChatRequest, call: _Call
    ) -> AsyncGenerator[ChatChunk, None]:
        record = call.record
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
                if restorer is None:  # nothing pseudonymised: the provider's chunk as it is
                    usage = chunk.usage or usage
                    if chunk.text or chunk.usage is not None:
                        yield chunk
                    continue
                text = restorer.feed(chunk.text) if chunk.text else chunk.text
                if chunk.usage is not None:
                    usage = chunk.usage
                    tail = restorer.flush()
                    if tail:
                        yield ChatChunk(text=tail)
                    yield ChatChunk(text=text, finish_reason=chunk.finish_reason, usage=chunk.usage)
                elif text:
                    yield ChatChunk(text=text)
        except BaseException as error:
            self._failed(record, error)
            raise
        finally:
            record.response_digest = audit.text_digest("".join(answered))
            used: tuple[int, Decimal] | None = None
            if usage is not None and target is not None:
                record.input_tokens, record.output_tokens = usage.input_tokens, usage.output_tokens
                record.cost = target.model.cost(usage)
                used = (usage.total_tokens, record.cost)
            elif answered:
                record.output_tokens = len(answered)
                used = (record.output_tokens, Decimal(0))
            await self._finish(call, used)

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
    """A streamed answer; ``record`` tells, once it started, which provider answers, at what level, at what cost.

    Close it (``aclose``) when done with it. One that is dropped unread still records the call and gives its
    budget back (``abandon``), from ``aclose`` or, failing that, when it is garbage-collected.
    """

    def __init__(
        self, chunks: AsyncGenerator[ChatChunk, None], record: CallRecord, abandon: Callable[[], None]
    ) -> None:
        self._chunks = chunks
        self.record = record
        self._abandon: Callable[[], None] | None = abandon

    def __aiter__(self) -> GatewayStream:
        return self

    async def __anext__(self) -> ChatChunk:
        self._abandon = None  # started: the generator's own cleanup records the call from now on
        return await anext(self._chunks)

    async def aclose(self) -> None:
        abandon, self._abandon = self._abandon, None
        if abandon is not None:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(abandon)
        await self._chunks.aclose()

    def __del__(self) -> None:
        abandon, self._abandon = getattr(self, "_abandon", None), None
        if abandon is not None:
            try:
                abandon()
            except Exception:  # nothing can be raised from here; say what was lost instead
                log.exception("could not record an abandoned stream")


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
