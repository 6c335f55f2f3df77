"""The governed path's bookkeeping: one record per call whatever happens, budgets held and given back,
API keys and budget rules read from short-lived caches that changes clear at once."""

from __future__ import annotations

import asyncio
import gc
import sqlite3
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import openai
import pytest
from sqlalchemy import func, select

from mokmin.core import auth, org
from mokmin.core.db import transaction
from mokmin.core.models import ApiKey
from mokmin.gateway import budgets
from mokmin.gateway.api import KeyCache, check_api_key
from mokmin.gateway.models import LimitCounter, UsageEvent
from mokmin.gateway.routing import Caller
from mokmin.gateway.service import Gateway
from mokmin.gateway.types import ChatMessage, ChatRequest
from mokmin.guard import audit
from mokmin.guard.models import AuditEvent
from tests.fixtures.fake_upstreams import FakeUpstream, fake_upstream
from tests.fixtures.live_gateway import LiveGateway, live_gateway


@pytest.fixture(scope="module")
def upstream() -> Iterator[FakeUpstream]:
    with fake_upstream() as server:
        yield server


@pytest.fixture
def live(tmp_path: Path, upstream: FakeUpstream) -> Iterator[LiveGateway]:
    upstream.reset()
    with live_gateway(tmp_path, upstream) as gateway:
        yield gateway


def press1(live: LiveGateway) -> Caller:
    with transaction(live.factory) as db:
        user = org.find_user(db, "press1")
        return Caller(user.id, user.username, user.role.value, user.department_id, None)


def counts(live: LiveGateway) -> tuple[int, int, dict[str, Decimal]]:
    """(usage events, model.call audit events, counters by kind)."""
    with transaction(live.factory) as db:
        usage = db.scalar(select(func.count()).select_from(UsageEvent)) or 0
        calls = db.scalar(select(func.count()).where(AuditEvent.action == "model.call")) or 0
        counters = {row.key.split(":")[0]: row.used for row in db.scalars(select(LimitCounter))}
        assert audit.verify(db)[1] is None
    return usage, calls, counters


def limit_press1(live: LiveGateway, **rule: object) -> None:
    with transaction(live.factory) as db:
        budgets.set_rule(db, "user", org.find_user(db, "press1").id, **rule)  # type: ignore[arg-type]


REQUEST = ChatRequest(
    model="fake-gpt", messages=[ChatMessage(role="user", content="안녕하세요")], max_tokens=8
)


def test_a_stream_dropped_unread_is_recorded_and_gives_its_budget_back(live: LiveGateway) -> None:
    limit_press1(live, monthly_tokens=10_000, requests_per_minute=100)
    gateway = Gateway(live.settings, live.factory)

    async def open_and_drop() -> None:
        await gateway.stream(press1(live), REQUEST)

    asyncio.run(open_and_drop())
    gc.collect()
    usage, calls, counters = counts(live)
    assert (usage, calls) == (1, 1)
    assert counters == {"rpm": 0, "tokens": 0}  # a call that never ran does not count
    with transaction(live.factory) as db:
        assert db.scalars(select(UsageEvent.outcome)).one() == "cancelled"


def test_closing_an_unread_stream_records_it_once(live: LiveGateway) -> None:
    gateway = Gateway(live.settings, live.factory)

    async def open_and_close() -> None:
        stream = await gateway.stream(press1(live), REQUEST)
        await stream.aclose()
        await stream.aclose()

    asyncio.run(open_and_close())
    gc.collect()
    assert counts(live)[:2] == (1, 1)


def test_a_call_cancelled_while_waiting_for_the_provider_is_recorded(
    live: LiveGateway, upstream: FakeUpstream
) -> None:
    limit_press1(live, monthly_tokens=10_000)
    gateway = Gateway(live.settings, live.factory)
    upstream.latency = 2.0

    async def cancel_midway() -> None:
        task = asyncio.create_task(gateway.chat(press1(live), REQUEST))
        await asyncio.sleep(0.5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    try:
        asyncio.run(cancel_midway())
    finally:
        upstream.latency = 0.0
    usage, calls, counters = counts(live)
    assert (usage, calls, counters["tokens"]) == (1, 1, Decimal(0))


def test_answered_calls_settle_the_real_use(live: LiveGateway) -> None:
    limit_press1(live, monthly_tokens=10_000, monthly_cost=Decimal(1), requests_per_minute=100)
    with openai.OpenAI(base_url=live.v1, api_key=live.api_key, max_retries=0) as client:
        reply = client.chat.completions.create(
            model="fake-gpt", messages=[{"role": "user", "content": "안녕하세요"}], max_tokens=8
        )
    assert reply.usage is not None
    usage, calls, counters = counts(live)
    assert (usage, calls) == (1, 1)
    assert counters["tokens"] == reply.usage.total_tokens
    assert counters["rpm"] == 1
    assert counters["cost"] > 0


def test_a_budget_saved_after_calls_applies_to_the_next_call(live: LiveGateway) -> None:
    ask = {"model": "fake-gpt", "messages": [{"role": "user", "content": "하나"}], "max_tokens": 8}
    with openai.OpenAI(base_url=live.v1, api_key=live.api_key, max_retries=0) as client:
        client.chat.completions.create(**ask)  # type: ignore[call-overload]
        limit_press1(live, requests_per_minute=0)
        with pytest.raises(openai.RateLimitError):
            client.chat.completions.create(**ask)  # type: ignore[call-overload]


def test_a_revoked_key_is_refused_at_once(live: LiveGateway) -> None:
    headers = {"authorization": f"Bearer {live.api_key}"}
    assert httpx.get(f"{live.v1}/models", headers=headers).status_code == 200
    with transaction(live.factory) as db:
        user = org.find_user(db, "press1")
        [key] = auth.list_api_keys(db, user)
        auth.revoke_api_key(db, user, key.id)
    assert httpx.get(f"{live.v1}/models", headers=headers).status_code == 401


def test_a_disabled_user_is_refused_at_once(live: LiveGateway) -> None:
    headers = {"authorization": f"Bearer {live.api_key}"}
    assert httpx.get(f"{live.v1}/models", headers=headers).status_code == 200
    with transaction(live.factory) as db:
        org.find_user(db, "press1").is_active = False
    assert httpx.get(f"{live.v1}/models", headers=headers).status_code == 401


def test_key_checks_write_last_use_at_most_once_a_minute(live: LiveGateway) -> None:
    def last_used() -> object:
        with transaction(live.factory) as db:
            return db.scalars(select(ApiKey.last_used_at)).one()

    assert last_used() is None
    first = check_api_key(live.factory, live.api_key, KeyCache())
    stamped = last_used()
    assert stamped is not None
    assert check_api_key(live.factory, live.api_key, KeyCache()) == first
    assert last_used() == stamped


def test_key_cache_keeps_a_caller_only_for_its_ttl() -> None:
    cache = KeyCache(ttl=60)
    caller = Caller(1, "a", "staff", None, None)
    from mokmin.gateway import api

    cache.put("digest", caller, valid_for=60, generation=api._generation)
    assert cache.get("digest") == caller
    cache.put("digest", caller, valid_for=-1, generation=api._generation)  # the key expires now
    assert cache.get("digest") is None
    cache.put("digest", caller, valid_for=60, generation=api._generation - 1)  # saved before a change
    assert cache.get("digest") is None


def test_while_another_writer_holds_the_database_a_call_waits_off_the_event_loop(live: LiveGateway) -> None:
    """On SQLite a call plans and finishes on the event loop; when another process holds the database it
    waits for it in a worker thread instead, and the event loop keeps serving meanwhile."""
    gateway = Gateway(live.settings, live.factory)
    assert gateway.inline
    other = sqlite3.connect(live.engine.url.database or "", isolation_level=None)

    async def main() -> int:
        await gateway.chat(press1(live), REQUEST)  # the first call loads the guard, in a worker thread
        other.execute("BEGIN IMMEDIATE")
        call = asyncio.create_task(gateway.chat(press1(live), REQUEST))
        ticks, started = 0, time.monotonic()
        for _ in range(30):
            await asyncio.sleep(0.01)
            ticks += 1
        assert time.monotonic() - started < 2  # nothing held the event loop up
        assert not call.done()  # still waiting for the other writer
        other.execute("COMMIT")
        await asyncio.wait_for(call, 10)
        await gateway.aclose()
        return ticks

    try:
        assert asyncio.run(main()) == 30
    finally:
        other.close()
    assert counts(live)[:2] == (2, 2)
