"""Usage this month by department and by user: what the budget page and its chart show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mokmin.core.models import Department, User
from mokmin.gateway.models import UsageEvent


@dataclass(frozen=True)
class UsageRow:
    key: int | None
    name: str
    calls: int
    tokens: int
    cost: Decimal


def month_start(now: datetime) -> datetime:
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def by_department(db: Session, since: datetime) -> list[UsageRow]:
    stmt = (
        select(
            UsageEvent.department_id,
            func.coalesce(Department.name, "-"),
            func.count(),
            func.coalesce(func.sum(UsageEvent.input_tokens + UsageEvent.output_tokens), 0),
            func.coalesce(func.sum(UsageEvent.cost), 0),
        )
        .outerjoin(Department, Department.id == UsageEvent.department_id)
        .where(UsageEvent.occurred_at >= since)
        .group_by(UsageEvent.department_id, Department.name)
        .order_by(func.sum(UsageEvent.input_tokens + UsageEvent.output_tokens).desc())
    )
    return [UsageRow(k, n, int(c), int(t), Decimal(str(s))) for k, n, c, t, s in db.execute(stmt)]


def by_user(db: Session, since: datetime, limit: int = 20) -> list[UsageRow]:
    stmt = (
        select(
            UsageEvent.user_id,
            func.coalesce(User.display_name, "-"),
            func.count(),
            func.coalesce(func.sum(UsageEvent.input_tokens + UsageEvent.output_tokens), 0),
            func.coalesce(func.sum(UsageEvent.cost), 0),
        )
        .outerjoin(User, User.id == UsageEvent.user_id)
        .where(UsageEvent.occurred_at >= since)
        .group_by(UsageEvent.user_id, User.display_name)
        .order_by(func.sum(UsageEvent.input_tokens + UsageEvent.output_tokens).desc())
        .limit(limit)
    )
    return [UsageRow(k, n, int(c), int(t), Decimal(str(s))) for k, n, c, t, s in db.execute(stmt)]
