"""Limit counters: a request's reservation is all or nothing, and settling can join the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mokmin.core.db import transaction
from mokmin.gateway.limits import CounterStore, DatabaseCounters, Limit, RedisCounters, Reservation
from mokmin.gateway.models import LimitCounter

REDIS_URL = "redis://127.0.0.1:6379/15"
MINUTE = timedelta(minutes=2)


def limit(key: str, cap: int, measure: str = "tokens") -> Limit:
    return Limit(key, Decimal(cap), MINUTE, measure, "user")


def db_used(factory: sessionmaker[Session], key: str) -> Decimal | None:
    with transaction(factory) as db:
        return db.scalar(select(LimitCounter.used).where(LimitCounter.key == key))


@pytest.fixture(params=["database", "redis"])
def store(request: pytest.FixtureRequest, session_factory: sessionmaker[Session]) -> Iterator[CounterStore]:
    if request.param == "database":
        yield DatabaseCounters(session_factory)
        return
    counters = RedisCounters(REDIS_URL, prefix="mokmin:test-limits:")
    for key in counters.client.scan_iter("mokmin:test-limits:*"):
        counters.client.delete(key)
    yield counters
    for key in counters.client.scan_iter("mokmin:test-limits:*"):
        counters.client.delete(key)


def used(store: CounterStore, key: str) -> Decimal:
    if isinstance(store, RedisCounters):
        return store.used(key)
    assert isinstance(store, DatabaseCounters)
    return db_used(store.factory, key) or Decimal(0)


def test_reserves_every_limit_within_its_cap(store: CounterStore) -> None:
    wanted = [(limit("rpm:a", 2, "requests"), Decimal(1)), (limit("tokens:a", 100), Decimal(40))]
    assert store.reserve_all(wanted) is None
    assert store.reserve_all(wanted) is None
    assert (used(store, "rpm:a"), used(store, "tokens:a")) == (Decimal(2), Decimal(80))
    assert store.reserve_all(wanted) == wanted[0][0]  # the third request is over the per-minute cap


def test_refusal_holds_nothing_on_any_limit(store: CounterStore) -> None:
    roomy, tight = limit("tokens:roomy", 1000), limit("tokens:tight", 50)
    assert store.reserve_all([(tight, Decimal(30))]) is None
    # "roomy" is reserved before "tight" refuses (key order): the refusal takes it back too.
    assert store.reserve_all([(roomy, Decimal(30)), (tight, Decimal(30))]) == tight
    assert used(store, "tokens:roomy") == 0
    assert used(store, "tokens:tight") == 30


def test_reports_the_first_refusal_in_the_callers_order(store: CounterStore) -> None:
    first, second = limit("z-first", 1, "requests"), limit("a-second", 1)
    assert store.reserve_all([(first, Decimal(1)), (second, Decimal(1))]) is None
    assert store.reserve_all([(first, Decimal(1)), (second, Decimal(1))]) == first


def test_amount_over_the_cap_is_refused_even_in_a_fresh_window(store: CounterStore) -> None:
    zero = limit("rpm:blocked", 0, "requests")
    assert store.reserve_all([(zero, Decimal(1))]) == zero
    assert used(store, "rpm:blocked") == 0


def test_settle_and_release_adjust_by_the_difference(store: CounterStore) -> None:
    requests, tokens, cost = (
        limit("rpm:s", 10, "requests"),
        limit("tokens:s", 1000),
        limit("cost:s", 5, "cost"),
    )
    held = [(requests, Decimal(1)), (tokens, Decimal(600)), (cost, Decimal("0.5"))]
    assert store.reserve_all(held) is None
    Reservation(store, list(held)).settle(120, Decimal("0.1"))
    assert (used(store, "rpm:s"), used(store, "tokens:s"), used(store, "cost:s")) == (
        Decimal(1),
        Decimal(120),
        Decimal("0.1"),
    )
    assert store.reserve_all(held) is None
    Reservation(store, list(held)).release()
    assert (used(store, "rpm:s"), used(store, "tokens:s"), used(store, "cost:s")) == (
        Decimal(1),
        Decimal(120),
        Decimal("0.1"),
    )


def test_database_settlement_commits_or_rolls_back_with_the_callers_transaction(
    session_factory: sessionmaker[Session],
) -> None:
    store = DatabaseCounters(session_factory)
    tokens = limit("tokens:joined", 1000)
    assert store.shares(session_factory)
    assert store.reserve_all([(tokens, Decimal(500))]) is None
    with pytest.raises(RuntimeError), transaction(session_factory) as db:
        Reservation(store, [(tokens, Decimal(500))]).settle(100, Decimal(0), db=db)
        raise RuntimeError("the usage record failed")
    assert db_used(session_factory, "tokens:joined") == 500
    with transaction(session_factory) as db:
        Reservation(store, [(tokens, Decimal(500))]).settle(100, Decimal(0), db=db)
    assert db_used(session_factory, "tokens:joined") == 100


def test_redis_counters_do_not_join_a_database_transaction(session_factory: sessionmaker[Session]) -> None:
    counters = RedisCounters(REDIS_URL)
    assert not counters.shares(session_factory)
    assert not DatabaseCounters(sessionmaker()).shares(session_factory)
    counters.client.close()
