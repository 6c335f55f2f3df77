"""Recording what every model call cost: one usage event and one audit event, in their own transaction.

They are written whatever the outcome (answered, refused upstream, cancelled by a client that went away), so
the record of who used which model for what is complete. Settling the call's budget reservation joins the
same transaction when the counters live in that database: the record and the counters agree, at the cost of
one transaction.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session, sessionmaker

from mokmin.core.db import (
    DirectStatement,
    DirectWrite,
    WriteWouldWait,
    direct_write,
    holding,
    may_wait,
    run,
    transaction,
    utcnow,
)
from mokmin.gateway.models import UsageEvent
from mokmin.gateway.routing import Caller
from mokmin.guard import audit, vault
from mokmin.guard.models import AuditEvent

# Written on every call, straight on the cursor (see ``direct_write``): the ORM's unit of work cost several
# times more for a row nobody reads back in this request.
_USAGE = cast(Table, UsageEvent.__table__)
_INSERT_USAGE = DirectStatement(insert(_USAGE), [c.name for c in _USAGE.c if c.name != "id"])


@dataclass
class CallRecord:
    """Filled in while a call runs; ``write`` stores it once."""

    caller: Caller
    purpose: str
    data_level: str
    provider: str = ""
    model: str = ""
    action: str = "pass"
    findings: dict[str, int] = field(default_factory=dict)
    input_tokens: int = 0
    output_tokens: int = 0
    cost: Decimal = Decimal(0)
    streamed: bool = False
    outcome: str = "ok"
    error: str | None = None
    request_digest: str | None = None
    response_digest: str | None = None
    started: float = field(default_factory=time.perf_counter)
    first_token: float | None = None
    written: bool = False
    # placeholder → original for a pseudonymised call: sealed into the vault beside its audit event
    mapping: dict[str, str] = field(default_factory=dict, repr=False)

    def mark_first_token(self) -> None:
        if self.first_token is None:
            self.first_token = time.perf_counter()

    def write(
        self,
        factory: sessionmaker[Session],
        *,
        settle: Callable[[Session | DirectWrite], None] | None = None,
        lock: threading.Lock | None = None,
        vault_secret: str | None = None,
        vault_days: int = 30,
    ) -> None:
        """Store the usage and audit events (once, even if called again from a cleanup path).

        ``settle`` runs first inside the same transaction (the budget settlement); ``lock`` queues this
        process's writers (see :class:`mokmin.gateway.limits.DatabaseCounters`). Inside
        :func:`mokmin.core.db.without_waiting`, a database another writer holds raises ``WriteWouldWait``
        and nothing is stored yet.
        """
        if self.written:
            return
        self.written = True
        latency = int((time.perf_counter() - self.started) * 1000)
        first = int((self.first_token - self.started) * 1000) if self.first_token is not None else None
        try:
            with holding(lock):
                if self.mapping and vault_secret is not None:  # the vault entry is an ORM object: a session
                    if not may_wait():  # a session's BEGIN waits for other writers: not on the event loop
                        raise WriteWouldWait("a pseudonymised call is recorded in a session")
                    with transaction(factory, write=True) as db:
                        event = self._store(db, settle, latency, first)
                        vault.store_mapping(db, self.mapping, event.seq, vault_days, secret=vault_secret)
                else:
                    with direct_write(factory) as direct:
                        self._store(direct, settle, latency, first)
        except WriteWouldWait:  # nothing was written: the caller tries again where it may wait
            self.written = False
            raise

    def _store(
        self,
        db: Session | DirectWrite,
        settle: Callable[[Session | DirectWrite], None] | None,
        latency: int,
        first: int | None,
    ) -> AuditEvent:
        if settle is not None:
            settle(db)
        row = {
            "occurred_at": utcnow(),
            "user_id": self.caller.user_id,
            "department_id": self.caller.department_id,
            "institution_id": self.caller.institution_id,
            "provider": self.provider or "-",
            "model": self.model or "-",
            "data_level": self.data_level,
            "purpose": self.purpose[:64],
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cost": self.cost,
            "latency_ms": latency,
            "first_token_ms": first,
            "streamed": self.streamed,
            "outcome": self.outcome,
            "error": self.error[:300] if self.error else None,
        }
        run(db, _INSERT_USAGE, row)
        actor = audit.Actor(self.caller.user_id, self.caller.username, self.caller.department_id)
        return audit.append(
            db,
            "model.call",
            actor,
            target=f"{self.provider or '-'}/{self.model or '-'}",
            outcome=self.outcome,
            data_level=self.data_level,
            provider=self.provider or None,
            request_digest=self.request_digest,
            response_digest=self.response_digest,
            findings=self.findings,
            details={
                "purpose": self.purpose,
                "guard": self.action,
                "input_tokens": self.input_tokens,
                "output_tokens": self.output_tokens,
                "latency_ms": latency,
            },
        )
