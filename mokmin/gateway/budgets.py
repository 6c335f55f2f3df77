"""Which limits apply to a caller, and reserving against all of them at once (or none).

The rules themselves are read from the database at most every few seconds per caller (:class:`RuleCache`),
like the provider catalog; a rule saved through the ORM in this process clears the cache at once, other
workers see it within ``RULES_TTL_S``. The counters are never cached: every reservation is checked against
the database or Redis.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session

from mokmin.core.errors import RateLimited, ValidationFailed
from mokmin.gateway.limits import Change, CounterStore, Limit, Reservation, minute_window, month_window
from mokmin.gateway.models import BudgetRule

RULES_TTL_S = 5.0

SCOPES = ("user", "department")


class BudgetExceeded(RateLimited):
    """A monthly budget or per-minute rate limit would be exceeded; nothing was sent."""

    code = "budget_exceeded"


@dataclass(frozen=True)
class Caller:
    user_id: int | None
    department_id: int | None


class RuleLike(Protocol):
    """What :func:`limits_for` reads of a rule (a :class:`BudgetRule` or its cached :class:`RuleSnapshot`)."""

    @property
    def scope(self) -> str: ...
    @property
    def scope_id(self) -> int: ...
    @property
    def monthly_tokens(self) -> int | None: ...
    @property
    def monthly_cost(self) -> Decimal | None: ...
    @property
    def requests_per_minute(self) -> int | None: ...


@dataclass(frozen=True)
class RuleSnapshot:
    """A rule's values, detached from any session, safe to share between threads."""

    scope: str
    scope_id: int
    monthly_tokens: int | None
    monthly_cost: Decimal | None
    requests_per_minute: int | None

    @classmethod
    def of(cls, rule: RuleLike) -> RuleSnapshot:
        return cls(
            rule.scope, rule.scope_id, rule.monthly_tokens, rule.monthly_cost, rule.requests_per_minute
        )


_generation = 0


def _rules_changed(*_: Any) -> None:
    global _generation
    _generation += 1


for _event in ("after_insert", "after_update", "after_delete"):
    event.listen(BudgetRule, _event, _rules_changed)


class RuleCache:
    """Each caller's rules, re-read after ``ttl`` seconds or as soon as this process saves any rule."""

    def __init__(self, ttl: float = RULES_TTL_S) -> None:
        self.ttl = ttl
        self._entries: dict[Caller, tuple[float, int, tuple[RuleSnapshot, ...]]] = {}
        self._lock = threading.Lock()

    def get(self, caller: Caller, load: Callable[[], Sequence[RuleLike]]) -> tuple[RuleSnapshot, ...]:
        now, generation = time.monotonic(), _generation
        entry = self._entries.get(caller)
        if entry is not None and entry[1] == generation and now - entry[0] <= self.ttl:
            return entry[2]
        rules = tuple(RuleSnapshot.of(rule) for rule in load())
        with self._lock:
            if len(self._entries) > 10_000:  # many callers: start again rather than grow without bound
                self._entries.clear()
            self._entries[caller] = (now, generation, rules)
        return rules

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def rules_for(db: Session, caller: Caller) -> list[BudgetRule]:
    conditions = []
    if caller.user_id is not None:
        conditions.append((BudgetRule.scope == "user") & (BudgetRule.scope_id == caller.user_id))
    if caller.department_id is not None:
        conditions.append((BudgetRule.scope == "department") & (BudgetRule.scope_id == caller.department_id))
    if not conditions:
        return []
    return list(db.scalars(select(BudgetRule).where(or_(*conditions)).order_by(BudgetRule.scope.desc())))


def limits_for(rules: Sequence[RuleLike], now: datetime) -> list[Limit]:
    """Per-minute limits first (cheapest to refuse), then monthly tokens and cost."""
    month, month_ttl = month_window(now)
    minute, minute_ttl = minute_window(now)
    limits: list[Limit] = []
    for rule in rules:
        base = f"{rule.scope}:{rule.scope_id}"
        if rule.requests_per_minute is not None:
            limits.append(
                Limit(
                    f"rpm:{base}:{minute}",
                    Decimal(rule.requests_per_minute),
                    minute_ttl,
                    "requests",
                    rule.scope,
                )
            )
    for rule in rules:
        base = f"{rule.scope}:{rule.scope_id}"
        if rule.monthly_tokens is not None:
            limits.append(
                Limit(f"tokens:{base}:{month}", Decimal(rule.monthly_tokens), month_ttl, "tokens", rule.scope)
            )
        if rule.monthly_cost is not None:
            limits.append(
                Limit(f"cost:{base}:{month}", Decimal(rule.monthly_cost), month_ttl, "cost", rule.scope)
            )
    return limits


def reserve(store: CounterStore, limits: list[Limit], tokens: int, cost: Decimal) -> Reservation:
    """Reserve the estimate against every limit at once; if any would be exceeded, nothing is held."""
    amounts = {"requests": Decimal(1), "tokens": Decimal(tokens), "cost": cost}
    wanted: list[Change] = [(limit, amounts[limit.measure]) for limit in limits]
    refused = store.reserve_all(wanted)
    if refused is not None:
        raise BudgetExceeded(f"gateway.budget_{refused.measure}_{refused.scope}", limit=str(refused.cap))
    return Reservation(store, wanted)


def set_rule(
    db: Session,
    scope: str,
    scope_id: int,
    *,
    monthly_tokens: int | None = None,
    monthly_cost: Decimal | None = None,
    requests_per_minute: int | None = None,
) -> BudgetRule:
    """Create or replace the limits of one user or department."""
    if scope not in SCOPES:
        raise ValidationFailed("gateway.bad_scope", scope=scope)
    for value in (monthly_tokens, requests_per_minute):
        if value is not None and value < 0:
            raise ValidationFailed("gateway.bad_limit")
    if monthly_cost is not None and monthly_cost < 0:
        raise ValidationFailed("gateway.bad_limit")
    rule = db.scalar(select(BudgetRule).where(BudgetRule.scope == scope, BudgetRule.scope_id == scope_id))
    if rule is None:
        rule = BudgetRule(scope=scope, scope_id=scope_id)
        db.add(rule)
    rule.monthly_tokens = monthly_tokens
    rule.monthly_cost = monthly_cost
    rule.requests_per_minute = requests_per_minute
    db.flush()
    return rule
