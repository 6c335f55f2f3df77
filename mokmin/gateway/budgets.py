"""Which limits apply to a caller, and reserving against all of them at once (or none)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from mokmin.core.errors import RateLimited, ValidationFailed
from mokmin.gateway.limits import CounterStore, Limit, Reservation, minute_window, month_window
from mokmin.gateway.models import BudgetRule

SCOPES = ("user", "department")


class BudgetExceeded(RateLimited):
    """A monthly budget or per-minute rate limit would be exceeded; nothing was sent."""

    code = "budget_exceeded"


@dataclass(frozen=True)
class Caller:
    user_id: int | None
    department_id: int | None


def rules_for(db: Session, caller: Caller) -> list[BudgetRule]:
    conditions = []
    if caller.user_id is not None:
        conditions.append((BudgetRule.scope == "user") & (BudgetRule.scope_id == caller.user_id))
    if caller.department_id is not None:
        conditions.append((BudgetRule.scope == "department") & (BudgetRule.scope_id == caller.department_id))
    if not conditions:
        return []
    return list(db.scalars(select(BudgetRule).where(or_(*conditions)).order_by(BudgetRule.scope.desc())))


def limits_for(rules: list[BudgetRule], now: datetime) -> list[Limit]:
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
    """Reserve the estimate against every limit; on the first refusal give back what was taken and raise."""
    reservation = Reservation(store)
    amounts = {"requests": Decimal(1), "tokens": Decimal(tokens), "cost": cost}
    for limit in limits:
        amount = amounts[limit.measure]
        if not store.reserve(limit.key, amount, limit.cap, limit.ttl):
            reservation.release()
            raise BudgetExceeded(f"gateway.budget_{limit.measure}_{limit.scope}", limit=str(limit.cap))
        reservation.held.append((limit, amount))
    return reservation


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
