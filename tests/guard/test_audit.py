"""The audit chain: appends link up, and every kind of tampering is found at the right event."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, text, update
from sqlalchemy.orm import Session

from mokmin.core.db import make_sessionmaker, transaction
from mokmin.guard import audit
from mokmin.guard.models import AuditEvent
from tests.fixtures.databases import migrated_postgres, migrated_sqlite

SECRET = "audit-test-secret-" + "s" * 30


def _fill(db: Session, n: int = 5) -> None:
    actor = audit.Actor(7, "press1", 3)
    for i in range(n):
        audit.append(db, "model.call", actor, target=f"chat-{i}", data_level="S", provider="embedded",
                     request_digest=audit.text_digest(f"prompt {i}"), findings={"PHONE": i})  # fmt: skip
    db.flush()


def test_intact_chain_verifies(db: Session) -> None:
    _fill(db)
    assert audit.verify(db) == (5, None)


def test_empty_chain_verifies(db: Session) -> None:
    assert audit.verify(db) == (0, None)


def test_edited_event_is_found(db: Session) -> None:
    _fill(db)
    db.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(target="changed"))
    db.expire_all()
    _, problem = audit.verify(db)
    assert problem is not None and problem.seq == 3 and "changed" in problem.reason


def test_deleted_event_is_found(db: Session) -> None:
    _fill(db)
    db.execute(text("DELETE FROM audit_events WHERE seq = 2"))
    _, problem = audit.verify(db)
    assert problem is not None and problem.seq == 2


def test_reordered_events_are_found(db: Session) -> None:
    _fill(db)
    db.execute(update(AuditEvent).where(AuditEvent.seq == 4).values(seq=-4))
    db.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(seq=4))
    db.execute(update(AuditEvent).where(AuditEvent.seq == -4).values(seq=3))
    db.expire_all()
    _, problem = audit.verify(db)
    assert problem is not None and problem.seq == 3


def test_truncated_tail_is_found(db: Session) -> None:
    _fill(db)
    db.execute(text("DELETE FROM audit_events WHERE seq = 5"))
    _, problem = audit.verify(db)
    assert problem is not None and problem.seq == 5


def test_export_round_trip_and_tampering(db: Session) -> None:
    _fill(db, 3)
    out = io.StringIO()
    assert audit.export(db, out, SECRET) == 3
    lines = out.getvalue().splitlines()
    assert audit.verify_export(lines) == (3, None)
    public = json.loads(lines[-1])["signature"]["public_key"]
    assert audit.verify_export(lines, trusted_public_key=public) == (3, None)
    tampered = [lines[0].replace("chat-0", "chat-X"), *lines[1:]]
    _, problem = audit.verify_export(tampered)
    assert problem is not None and "signature" in problem.reason
    other_key = audit.public_key_b64(audit.signing_key("another secret"))
    _, problem = audit.verify_export(lines, trusted_public_key=other_key)
    assert problem is not None
    _, problem = audit.verify_export(lines[:-1])
    assert problem is not None and "no signature" in problem.reason


def test_events_hold_digests_not_text(db: Session) -> None:
    _fill(db, 1)
    event = db.query(AuditEvent).one()
    assert "prompt 0" not in json.dumps(audit.event_record(event), ensure_ascii=False)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    if request.param == "sqlite":
        return migrated_sqlite(tmp_path)
    return migrated_postgres("mokmin_audit_concurrency")


def test_concurrent_appends_keep_one_linear_chain(fresh_engine: Engine) -> None:
    factory = make_sessionmaker(fresh_engine)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(5):
                with transaction(factory) as db:
                    audit.append(db, "test.concurrent", audit.Actor(n, f"user{n}"), target=str(i))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with transaction(factory) as db:
        assert audit.verify(db) == (40, None)
    fresh_engine.dispose()
