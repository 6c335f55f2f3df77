"""50 simultaneous requests against a limit that allows 10: exactly 10 succeed, whichever store counts."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
import redis

from mokmin.core import org
from mokmin.core.db import transaction
from mokmin.gateway import budgets
from tests.fixtures.databases import migrated_postgres, pg_url
from tests.fixtures.fake_upstreams import FakeUpstream, fake_upstream
from tests.fixtures.live_gateway import LiveGateway, live_gateway

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture(scope="module")
def upstream() -> Iterator[FakeUpstream]:
    with fake_upstream(latency=0.05) as server:
        yield server


@pytest.fixture(
    params=[
        pytest.param("sqlite"),
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("redis"),
    ]
)
def live(request: pytest.FixtureRequest, tmp_path: Path, upstream: FakeUpstream) -> Iterator[LiveGateway]:
    redis_url = None
    database_url = None
    if request.param == "postgres":
        migrated_postgres("mokmin_live").dispose()
        database_url = pg_url("mokmin_live")
    if request.param == "redis":
        redis.Redis.from_url(REDIS_URL).flushdb()
        redis_url = REDIS_URL
    with live_gateway(tmp_path, upstream, redis_url=redis_url, database_url=database_url) as gateway:
        yield gateway


async def _burst(live: LiveGateway, n: int) -> list[object]:
    client = openai.AsyncOpenAI(base_url=live.v1, api_key=live.api_key, max_retries=0, timeout=60)
    calls = [
        client.chat.completions.create(
            model="fake-gpt", messages=[{"role": "user", "content": f"요청 {i}"}], max_tokens=8
        )
        for i in range(n)
    ]
    try:
        return await asyncio.gather(*calls, return_exceptions=True)
    finally:
        await client.close()


def test_fifty_requests_against_ten_allowed(live: LiveGateway) -> None:
    with transaction(live.factory) as db:
        budgets.set_rule(db, "user", org.find_user(db, "press1").id, requests_per_minute=10)
    results = asyncio.run(_burst(live, 50))
    ok = [r for r in results if not isinstance(r, BaseException)]
    limited = [r for r in results if isinstance(r, openai.RateLimitError)]
    assert len(ok) == 10, [
        type(r).__name__
        for r in results
        if isinstance(r, BaseException) and not isinstance(r, openai.RateLimitError)
    ]
    assert len(limited) == 40


def test_token_budget_cannot_be_overspent_concurrently(live: LiveGateway) -> None:
    # Each request reserves its prompt estimate plus max_tokens; a budget of 10 such reservations admits 10.
    from mokmin.gateway.providers.base import estimate_tokens
    from mokmin.gateway.types import ChatMessage, ChatRequest

    per_call = (
        estimate_tokens(ChatRequest(model="fake-gpt", messages=[ChatMessage(role="user", content="요청 10")]))
        + 8
    )
    with transaction(live.factory) as db:
        budgets.set_rule(
            db, "department", org.find_user(db, "press1").department_id or 0, monthly_tokens=per_call * 10
        )
    live.upstream.latency = (
        0.5  # all 50 hold their reservations at once: none settles before the others reserve
    )
    try:
        results = asyncio.run(_burst(live, 50))
    finally:
        live.upstream.latency = 0.05
    ok = [r for r in results if not isinstance(r, BaseException)]
    assert len(ok) <= 10
    assert len(ok) >= 1
