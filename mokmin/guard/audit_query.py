"""Reading the audit log for people: filter, paginate, and count false-positive reports by type.

Kept apart from :mod:`mokmin.guard.audit` (which writes and verifies the chain) so that the write path stays
small. Dates are calendar days in Korea's time zone (UTC+9, no daylight saving), as an auditor means them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mokmin.core.errors import ValidationFailed
from mokmin.guard.models import AuditEvent

KST = timezone(timedelta(hours=9), "KST")
PAGE_SIZE = 50
LEVELS = ("O", "S", "C")


def parse_day(value: str | None) -> date | None:
    """``YYYY-MM-DD`` (what a date input sends) or nothing; anything else is a clear 422."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed("guard.audit_bad_date") from None


@dataclass(frozen=True)
class EventFilter:
    """What the auditor narrowed the list to; empty fields do not filter."""

    action: str = ""
    actor: str = ""
    outcome: str = ""
    level: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def parse(cls, action: str = "", actor: str = "", outcome: str = "", level: str = "",
              date_from: str = "", date_to: str = "") -> EventFilter:  # fmt: skip
        """Build from query-string values, refusing an unknown level or a malformed date."""
        level = level.strip().upper()
        if level and level not in LEVELS:
            raise ValidationFailed("guard.audit_bad_level")
        start, end = parse_day(date_from), parse_day(date_to)
        if start and end and start > end:
            raise ValidationFailed("guard.audit_bad_range")
        return cls(action.strip()[:64], actor.strip()[:64], outcome.strip()[:32], level, start, end)

    def query_args(self) -> dict[str, str]:
        """The filter as query-string values, for pagination links."""
        args = {"action": self.action, "actor": self.actor, "outcome": self.outcome, "level": self.level,
                "date_from": self.date_from.isoformat() if self.date_from else "",
                "date_to": self.date_to.isoformat() if self.date_to else ""}  # fmt: skip
        return {key: value for key, value in args.items() if value}

    def conditions(self) -> list[Any]:
        where: list[Any] = []
        if self.action:
            where.append(AuditEvent.action == self.action)
        if self.actor:
            where.append(AuditEvent.actor == self.actor)
        if self.outcome:
            where.append(AuditEvent.outcome == self.outcome)
        if self.level:
            where.append(AuditEvent.data_level == self.level)
        if self.date_from:
            where.append(AuditEvent.occurred_at >= datetime.combine(self.date_from, time(), KST))
        if self.date_to:
            end = datetime.combine(self.date_to + timedelta(days=1), time(), KST)
            where.append(AuditEvent.occurred_at < end)
        return where


@dataclass(frozen=True)
class EventPage:
    events: list[AuditEvent]
    total: int
    page: int
    pages: int


def search(db: Session, where: EventFilter, page: int = 1, size: int = PAGE_SIZE) -> EventPage:
    """Matching events, newest first; ``page`` is clamped into the available range."""
    conditions = where.conditions()
    total = int(db.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0)
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    events = list(
        db.scalars(
            select(AuditEvent)
            .where(*conditions)
            .order_by(AuditEvent.seq.desc())
            .offset((page - 1) * size)
            .limit(size)
        )
    )
    return EventPage(events, total, page, pages)


@dataclass(frozen=True)
class Facets:
    """The values the filter dropdowns offer."""

    actions: list[str] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)


def facets(db: Session) -> Facets:
    actions = db.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    outcomes = db.scalars(select(AuditEvent.outcome).distinct().order_by(AuditEvent.outcome))
    return Facets(list(actions), list(outcomes))


def by_seq(db: Session, seq: int) -> AuditEvent | None:
    return db.scalar(select(AuditEvent).where(AuditEvent.seq == seq))


def false_positives_by_type(db: Session) -> list[tuple[str, int]]:
    """Users' "not personal data" reports (``guard.false_positive``) per type, most reported first."""
    count = func.count().label("n")
    rows = db.execute(
        select(AuditEvent.target, count)
        .where(AuditEvent.action == "guard.false_positive")
        .group_by(AuditEvent.target)
        .order_by(count.desc(), AuditEvent.target)
    )
    return [(str(target), int(n)) for target, n in rows]


def local_time(moment: datetime) -> str:
    """An event's time as an auditor in Korea reads it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(KST).strftime("%Y-%m-%d %H:%M:%S")
