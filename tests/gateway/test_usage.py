"""Call records written straight on the DBAPI cursor: what the ORM reads back is what was meant, the budget
settlement commits or rolls back with them, and a write that must not wait gives way to another writer."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from mokmin.core import db as db_module
from mokmin.core.db import WriteWouldWait, direct_write, make_sessionmaker, transaction, without_waiting
from mokmin.gateway.limits import DatabaseCounters, Limit
from mokmin.gateway.models import LimitCounter, UsageEvent
from mokmin.gateway.routing import Caller
from mokmin.gateway.usage import CallRecord
from mokmin.guard import audit
from mokmin.guard.models import AuditEvent, AuditHead
from tests.conftest import engine_fixture

# These tests commit for real (a direct write runs on its own connection): a schema and file of their own.
engine = engine_fixture("mokmin_test_usage", sqlite_key="sqlite-usage")

CALLER = Caller(None, "press1", "staff", None, None)
TOKENS = Limit("tokens:user:1:2026-11", Decimal(1000), timedelta(days=32), "tokens", "user")


@pytest.fixture
def factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    made = make_sessionmaker(engine)
    yield made
    with transaction(made) as db:
        for table in (AuditEvent, UsageEvent, LimitCounter):
            db.execute(delete(table))
        db.execute(update(AuditHead).values(seq=0, hash=audit.GENESIS))


def record() -> CallRecord:
    call = CallRecord(CALLER, "press_release", "S", provider="vllm", model="qwen", action="pseudonymize")
    call.findings = {"PHONE": 1, "PERSON": 2}
    call.input_tokens, call.output_tokens, call.cost = 120, 34, Decimal("0.00012345")
    call.streamed, call.outcome, call.error = True, "cancelled", "abandoned"
    call.request_digest = audit.text_digest("질문")
    call.mark_first_token()
    return call


def test_a_direct_write_stores_what_the_orm_reads_back(factory: sessionmaker[Session]) -> None:
    first, second = record(), record()
    first.write(factory)
    second.outcome = "ok"
    second.write(factory)
    with transaction(factory) as db:
        usage = db.scalars(select(UsageEvent).order_by(UsageEvent.id)).all()
        events = db.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        assert audit.verify(db) == (2, None)  # the chain links up and every hash matches its row
    assert [u.outcome for u in usage] == ["cancelled", "ok"]
    row = usage[0]
    assert (row.provider, row.model, row.data_level, row.purpose) == ("vllm", "qwen", "S", "press_release")
    assert (row.input_tokens, row.output_tokens, row.cost) == (120, 34, Decimal("0.00012345"))
    assert row.streamed is True and row.error == "abandoned" and row.first_token_ms is not None
    assert row.occurred_at.tzinfo is not None and row.user_id is None
    event = events[0]
    assert (event.action, event.actor, event.target, event.outcome) == (
        "model.call",
        "press1",
        "vllm/qwen",
        "cancelled",
    )
    assert event.findings == {"PHONE": 1, "PERSON": 2} and event.request_digest == first.request_digest
    assert event.details["guard"] == "pseudonymize" and event.details["input_tokens"] == 120


def test_an_event_appended_in_a_session_continues_the_same_chain(factory: sessionmaker[Session]) -> None:
    record().write(factory)
    with transaction(factory) as db:
        appended = audit.append(db, "admin.budget_set", audit.SYSTEM, target="user:1", details={"tokens": 5})
    with direct_write(factory) as direct:
        direct_event = audit.append(direct, "model.refused", audit.SYSTEM, outcome="budget")
    with transaction(factory) as db:
        stored = db.get(AuditEvent, appended.id)
        assert stored is not None and stored.hash == appended.hash and stored.seq == 2
        assert db.scalars(select(AuditEvent.hash).where(AuditEvent.seq == 3)).one() == direct_event.hash
        assert audit.verify(db) == (3, None)


def test_settling_commits_or_rolls_back_with_the_record(factory: sessionmaker[Session]) -> None:
    counters = DatabaseCounters(factory)
    assert counters.reserve_all([(TOKENS, Decimal(500))]) is None
    reservation_changes = [(TOKENS, Decimal(-300))]

    def settle_then_fail(db: object) -> None:
        counters.adjust_all(reservation_changes, db)  # type: ignore[arg-type]
        raise RuntimeError("the record could not be built")

    with pytest.raises(RuntimeError):
        record().write(factory, settle=settle_then_fail)
    with transaction(factory) as db:
        assert db.scalar(select(LimitCounter.used)) == 500 and not db.scalars(select(UsageEvent)).all()
    record().write(factory, settle=lambda db: counters.adjust_all(reservation_changes, db))  # type: ignore[arg-type]
    with transaction(factory) as db:
        assert db.scalar(select(LimitCounter.used)) == 200 and len(db.scalars(select(UsageEvent)).all()) == 1


def test_a_write_that_must_not_wait_gives_way_to_another_writer(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("only SQLite writes happen on the event loop")
    other = sqlite3.connect(engine.url.database or "", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    call = record()
    started = time.monotonic()
    with without_waiting(), pytest.raises(WriteWouldWait):
        call.write(factory)
    with without_waiting(), pytest.raises(WriteWouldWait):
        DatabaseCounters(factory).reserve_all([(TOKENS, Decimal(1))])
    assert time.monotonic() - started < 1  # refused at once, not after the busy timeout
    assert not call.written  # nothing stored, so it can still be written
    other.execute("COMMIT")
    other.close()
    with without_waiting():
        call.write(factory)
    with transaction(factory) as db:
        assert len(db.scalars(select(UsageEvent)).all()) == 1 and audit.verify(db) == (1, None)


def test_the_event_loop_connection_leaves_checkpoints_to_a_worker_thread(
    engine: Engine, factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("only SQLite writes happen on the event loop")
    monkeypatch.setattr(db_module, "CHECKPOINT_EVERY", 3)
    db_module._checkpoints.pop(engine, None)
    for _ in range(3):
        with without_waiting():
            record().write(factory)
    _, running = db_module._checkpoints[engine]
    assert running is not None
    running.result(timeout=5)  # ran, in its own thread, without error
    raw = db_module._no_wait_connection(engine)
    cursor = raw.cursor()
    assert cursor.execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)  # never on the event loop
    cursor.close()
