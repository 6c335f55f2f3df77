"""Budgets and rate limits, enforced atomically so concurrent requests can never overspend.

Each limit is a counter per window (``tokens:user:7:2026-11``, ``rpm:dept:3:202611251530``). A request
*reserves* its estimated amount against all of its limits at once, all or nothing: one transaction with one
conditional upsert per limit (``used + n <= cap``), or one Lua script in Redis. It later *settles* the
difference with the real amount; in the database that happens inside the transaction that writes the call's
usage and audit record, so a finished call costs two short write transactions in all. Counters live in the
database (embedded setup) or in Redis (``MOKMIN_REDIS_URL``), never in process memory, so any number of
workers share them.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, delete, text
from sqlalchemy.orm import Session, sessionmaker

from mokmin.core.db import DirectStatement, DirectWrite, direct_write, holding, run_many, transaction, utcnow
from mokmin.gateway.models import LimitCounter


@dataclass(frozen=True)
class Limit:
    """One limit that applies to a request: its counter key, cap, window length, and what it measures."""

    key: str
    cap: Decimal
    ttl: timedelta
    measure: str  # "requests" | "tokens" | "cost"
    scope: str  # "user" | "department"


Change = tuple[Limit, Decimal]
"""An amount to add to one limit's counter (a reservation, or a settling difference that may be negative)."""


class CounterStore(ABC):
    """Where limit counters live."""

    @abstractmethod
    def reserve_all(self, wanted: Sequence[Change]) -> Limit | None:
        """Add every amount within its cap, all or nothing. None when all were reserved; otherwise nothing
        was added and the result is the first limit, in the order given, that refused."""

    @abstractmethod
    def adjust_all(self, changes: Sequence[Change], db: Session | DirectWrite | None = None) -> None:
        """Add each (possibly negative) amount unconditionally: settling a reservation or giving it back.

        ``db`` is the caller's open transaction; a store whose counters live in that database writes inside
        it (so settling commits or rolls back with the usage record), other stores ignore it.
        """

    def shares(self, factory: sessionmaker[Session]) -> bool:
        """Whether this store's counters live in ``factory``'s database (so ``adjust_all`` can join it)."""
        return False


class _Refused(Exception):
    """Raised inside the reservation transaction so that it rolls back every counter it touched."""

    def __init__(self, limit: Limit) -> None:
        super().__init__(limit.key)
        self.limit = limit


_COUNTER_TYPES = {
    "amount": LimitCounter.__table__.c.used.type,
    "cap": LimitCounter.__table__.c.used.type,
    "expires": LimitCounter.__table__.c.expires_at.type,
}
# Plain SQL that SQLite (3.24+) and PostgreSQL both understand. The insert takes a fresh window's first
# amount; on conflict the row is updated only while it stays within the cap, else no row changes (rowcount 0).
# Both run on every model call, straight on the cursor (``DirectStatement``).
_RESERVE_SQL = DirectStatement(
    text(
        "INSERT INTO gateway_counters (key, used, expires_at) VALUES (:key, :amount, :expires) "
        "ON CONFLICT (key) DO UPDATE SET used = gateway_counters.used + excluded.used "
        "WHERE gateway_counters.used + excluded.used <= :cap"
    ).bindparams(*(bindparam(name, type_=type_) for name, type_ in _COUNTER_TYPES.items()))
)
_ADJUST_SQL = DirectStatement(
    text(
        "INSERT INTO gateway_counters (key, used, expires_at) VALUES (:key, :amount, :expires) "
        "ON CONFLICT (key) DO UPDATE SET used = gateway_counters.used + excluded.used"
    ).bindparams(*(bindparam(name, type_=type_) for name, type_ in _COUNTER_TYPES.items() if name != "cap"))
)


class DatabaseCounters(CounterStore):
    """Counters in the ``gateway_counters`` table.

    Rows are always touched in key order, so two transactions never wait on each other's rows crosswise
    (no deadlocks on PostgreSQL). On SQLite only one transaction writes at a time anyway; ``write_lock``,
    when given, queues this process's writers on a Python lock instead of SQLite's busy handler, which
    sleeps in growing steps and leaves the database idle while requests wait.
    """

    def __init__(self, factory: sessionmaker[Session], write_lock: threading.Lock | None = None) -> None:
        self.factory = factory
        self.write_lock = write_lock

    def shares(self, factory: sessionmaker[Session]) -> bool:
        return factory is self.factory

    @contextmanager
    def writing(self) -> Iterator[DirectWrite]:
        """A write transaction (SQLite: BEGIN IMMEDIATE), queued behind ``write_lock`` when there is one."""
        with holding(self.write_lock), direct_write(self.factory) as db:
            yield db

    def reserve_all(self, wanted: Sequence[Change]) -> Limit | None:
        for limit, amount in wanted:
            if amount > limit.cap:  # a window's first insert is not checked against the cap
                return limit
        if not wanted:
            return None
        now = utcnow()
        rows = [_row(limit, amount, now, cap=True) for limit, amount in sorted(wanted, key=_by_key)]
        try:
            with self.writing() as db:
                # One statement for every limit: each row inserts or updates exactly one row unless its cap
                # refuses, so fewer changed rows than limits means a refusal, and all of it is rolled back.
                if db.run_many(_RESERVE_SQL, rows) != len(rows):
                    raise _Refused(wanted[0][0])
        except _Refused:
            return self._find_refusal(wanted, now)
        return None

    def _find_refusal(self, wanted: Sequence[Change], now: datetime) -> Limit | None:
        """Limit by limit, to name the one that refuses (the cheap path only knows that one did). Should the
        counters have moved meanwhile so that all fit, the reservation is made and nothing is refused."""
        try:
            with self.writing() as db:
                refused = [
                    limit
                    for limit, amount in sorted(wanted, key=_by_key)
                    if not db.run_many(_RESERVE_SQL, [_row(limit, amount, now, cap=True)])
                ]
                if refused:  # report the first one in the caller's order (per-minute limits come first)
                    raise _Refused(next(limit for limit, _ in wanted if limit in refused))
        except _Refused as refusal:
            return refusal.limit
        return None

    def adjust_all(self, changes: Sequence[Change], db: Session | DirectWrite | None = None) -> None:
        changes = sorted((c for c in changes if c[1]), key=_by_key)
        if not changes:
            return
        now = utcnow()
        rows = [_row(limit, amount, now) for limit, amount in changes]
        if db is not None:
            run_many(db, _ADJUST_SQL, rows)
            return
        with self.writing() as own:
            own.run_many(_ADJUST_SQL, rows)

    def purge_expired(self) -> int:
        with transaction(self.factory, write=True) as db:
            result = db.execute(delete(LimitCounter).where(LimitCounter.expires_at < utcnow()))
            return int(result.rowcount)  # type: ignore[attr-defined]


def _by_key(change: Change) -> str:
    return change[0].key


def _row(limit: Limit, amount: Decimal, now: datetime, *, cap: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {"key": limit.key, "amount": amount, "expires": now + limit.ttl}
    if cap:
        row["cap"] = limit.cap
    return row


# KEYS: the counters; ARGV: amount, cap, ttl seconds for each key in turn. Checks every key first, then adds
# to all of them, so either all are reserved or none is; returns 0, or the 1-based index of the first refusal.
_RESERVE_LUA = """
for i, key in ipairs(KEYS) do
  local used = tonumber(redis.call('GET', key) or '0')
  if used + tonumber(ARGV[3 * i - 2]) > tonumber(ARGV[3 * i - 1]) then return i end
end
for i, key in ipairs(KEYS) do
  redis.call('INCRBYFLOAT', key, ARGV[3 * i - 2])
  redis.call('EXPIRE', key, ARGV[3 * i])
end
return 0
"""


class RedisCounters(CounterStore):
    """Counters in Redis; the check-and-add over all of a request's limits is one Lua script, so it is
    atomic across workers."""

    def __init__(self, url: str, prefix: str = "mokmin:limit:") -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self.prefix = prefix
        self._reserve = self.client.register_script(_RESERVE_LUA)

    def reserve_all(self, wanted: Sequence[Change]) -> Limit | None:
        if not wanted:
            return None
        args: list[str | int] = []
        for limit, amount in wanted:
            args += [str(amount), str(limit.cap), _seconds(limit.ttl)]
        refused = int(self._reserve(keys=[self.prefix + limit.key for limit, _ in wanted], args=args))
        return wanted[refused - 1][0] if refused else None

    def adjust_all(self, changes: Sequence[Change], db: Session | DirectWrite | None = None) -> None:
        changes = [c for c in changes if c[1]]
        if not changes:
            return
        pipe = self.client.pipeline(transaction=False)
        for limit, delta in changes:
            pipe.incrbyfloat(self.prefix + limit.key, float(delta))
            pipe.expire(self.prefix + limit.key, _seconds(limit.ttl))
        pipe.execute()

    def used(self, key: str) -> Decimal:
        value = self.client.get(self.prefix + key)
        return Decimal(value.decode()) if isinstance(value, bytes) else Decimal(0)


def _seconds(ttl: timedelta) -> int:
    return max(1, int(ttl.total_seconds()))


@dataclass
class Reservation:
    """What a request holds until it settles; given back if the call fails before any token is spent."""

    store: CounterStore
    held: list[Change] = field(default_factory=list)

    def settlement(self, tokens: int, cost: Decimal) -> list[Change]:
        """The differences between what was held and what the call really used (requests stay counted)."""
        actual = {"requests": None, "tokens": Decimal(tokens), "cost": cost}
        changes = []
        for limit, amount in self.held:
            real = actual[limit.measure]
            if real is not None and real != amount:
                changes.append((limit, real - amount))
        return changes

    def settle(self, tokens: int, cost: Decimal, db: Session | DirectWrite | None = None) -> None:
        """Replace the estimate by the real use; inside ``db``'s transaction where the store shares it."""
        changes, self.held = self.settlement(tokens, cost), []
        self.store.adjust_all(changes, db)

    def release(self, db: Session | DirectWrite | None = None) -> None:
        """Give back everything held (the call failed before it used anything)."""
        changes, self.held = [(limit, -amount) for limit, amount in self.held], []
        self.store.adjust_all(changes, db)


def month_window(now: datetime) -> tuple[str, timedelta]:
    return now.strftime("%Y-%m"), timedelta(days=32)


def minute_window(now: datetime) -> tuple[str, timedelta]:
    return now.strftime("%Y%m%d%H%M"), timedelta(minutes=2)
