"""Budgets and rate limits, enforced atomically so concurrent requests can never overspend.

Each limit is a counter per window (``tokens:user:7:2026-11``, ``rpm:dept:3:202611251530``). A request
*reserves* its estimated amount with one conditional increment (``used + n <= limit``) and later *settles*
the difference with the real amount. Counters live in the database (embedded setup) or in Redis
(``MOKMIN_REDIS_URL``), never in process memory, so any number of workers share them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from mokmin.core.db import transaction, utcnow
from mokmin.gateway.models import LimitCounter


class CounterStore(ABC):
    """Where limit counters live."""

    @abstractmethod
    def reserve(self, key: str, amount: Decimal, limit: Decimal, ttl: timedelta) -> bool:
        """Add ``amount`` to ``key`` only if the total stays within ``limit``; True when reserved."""

    @abstractmethod
    def adjust(self, key: str, delta: Decimal, ttl: timedelta) -> None:
        """Add ``delta`` (possibly negative) unconditionally: settling a reservation or giving it back."""


class DatabaseCounters(CounterStore):
    """Counters in the ``gateway_counters`` table; each call is its own short transaction."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory

    def _ensure(self, db: Session, key: str, ttl: timedelta) -> None:
        dialect = db.get_bind().dialect.name
        values: dict[str, Any] = {"key": key, "used": Decimal(0), "expires_at": utcnow() + ttl}
        if dialect == "postgresql":
            db.execute(
                pg_insert(LimitCounter).values(**values).on_conflict_do_nothing(index_elements=["key"])
            )
        elif dialect == "sqlite":
            db.execute(
                sqlite_insert(LimitCounter).values(**values).on_conflict_do_nothing(index_elements=["key"])
            )
        elif db.get(LimitCounter, key) is None:  # pragma: no cover - other databases
            db.execute(insert(LimitCounter).values(**values))

    def reserve(self, key: str, amount: Decimal, limit: Decimal, ttl: timedelta) -> bool:
        with transaction(self.factory, write=True) as db:
            self._ensure(db, key, ttl)
            result = db.execute(
                update(LimitCounter)
                .where(LimitCounter.key == key, LimitCounter.used + amount <= limit)
                .values(used=LimitCounter.used + amount)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def adjust(self, key: str, delta: Decimal, ttl: timedelta) -> None:
        with transaction(self.factory) as db:
            self._ensure(db, key, ttl)
            db.execute(
                update(LimitCounter).where(LimitCounter.key == key).values(used=LimitCounter.used + delta)
            )

    def purge_expired(self) -> int:
        with transaction(self.factory) as db:
            result = db.execute(delete(LimitCounter).where(LimitCounter.expires_at < utcnow()))
            return int(result.rowcount)  # type: ignore[attr-defined]


_RESERVE_LUA = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used + tonumber(ARGV[1]) > tonumber(ARGV[2]) then return 0 end
redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""


class RedisCounters(CounterStore):
    """Counters in Redis; the check-and-add runs as one Lua script, so it is atomic across workers."""

    def __init__(self, url: str, prefix: str = "mokmin:limit:") -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self.prefix = prefix
        self._reserve = self.client.register_script(_RESERVE_LUA)

    def reserve(self, key: str, amount: Decimal, limit: Decimal, ttl: timedelta) -> bool:
        ok = self._reserve(keys=[self.prefix + key], args=[str(amount), str(limit), int(ttl.total_seconds())])
        return bool(ok)

    def adjust(self, key: str, delta: Decimal, ttl: timedelta) -> None:
        pipe = self.client.pipeline()
        pipe.incrbyfloat(self.prefix + key, float(delta))
        pipe.expire(self.prefix + key, int(ttl.total_seconds()))
        pipe.execute()

    def used(self, key: str) -> Decimal:
        value = self.client.get(self.prefix + key)
        return Decimal(value.decode()) if isinstance(value, bytes) else Decimal(0)


@dataclass(frozen=True)
class Limit:
    """One limit that applies to a request: its counter key, cap, window length, and what it measures."""

    key: str
    cap: Decimal
    ttl: timedelta
    measure: str  # "requests" | "tokens" | "cost"
    scope: str  # "user" | "department"


@dataclass
class Reservation:
    """What a request holds until it settles; given back if the call fails before any token is spent."""

    store: CounterStore
    held: list[tuple[Limit, Decimal]] = field(default_factory=list)

    def settle(self, tokens: int, cost: Decimal) -> None:
        actual = {"requests": None, "tokens": Decimal(tokens), "cost": cost}
        for limit, amount in self.held:
            real = actual[limit.measure]
            if real is not None and real != amount:
                self.store.adjust(limit.key, real - amount, limit.ttl)
        self.held = []

    def release(self) -> None:
        for limit, amount in self.held:
            self.store.adjust(limit.key, -amount, limit.ttl)
        self.held = []


def month_window(now: datetime) -> tuple[str, timedelta]:
    return now.strftime("%Y-%m"), timedelta(days=32)


def minute_window(now: datetime) -> tuple[str, timedelta]:
    return now.strftime("%Y%m%d%H%M"), timedelta(minutes=2)
