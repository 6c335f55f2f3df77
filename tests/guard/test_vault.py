"""The pseudonym vault: sealed at rest, opened only with a reason, every opening audited, gone when expired."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from mokmin.core.db import utcnow
from mokmin.core.errors import NotFound, ValidationFailed
from mokmin.guard import Pseudonymizer, audit, vault
from mokmin.guard.models import AuditEvent, VaultEntry

SECRET = "vault-test-secret-" + "v" * 30
AUDITOR = audit.Actor(3, "auditor", None)
REASON = "민원 재조사 요청(2026-113호)에 따른 확인"


def _call_event(db: Session) -> AuditEvent:
    return audit.append(db, "model.call", audit.Actor(7, "press1"), target="external/gpt", data_level="S")


def _mapping() -> dict[str, str]:
    pseudo = Pseudonymizer()
    masked = pseudo.pseudonymize("민원인 김민수 님 연락처 010-3456-7890, 이메일 minsu@example.kr")
    assert "김민수" not in masked and "010-3456-7890" not in masked
    return pseudo.mapping


def test_mapping_round_trips_and_is_sealed_at_rest(db: Session) -> None:
    event = _call_event(db)
    mapping = _mapping()
    entry = vault.store_mapping(db, mapping, event.seq, 30, secret=SECRET)
    assert entry is not None and entry.entries == len(mapping) >= 3
    raw = db.execute(text("SELECT sealed FROM guard_vault")).scalar_one()
    assert all(value not in raw for value in mapping.values())
    assert vault.read(db, event.seq, AUDITOR, REASON, secret=SECRET) == mapping


def test_reading_is_audited_with_who_what_and_why(db: Session) -> None:
    event = _call_event(db)
    vault.store_mapping(db, _mapping(), event.seq, 30, secret=SECRET)
    vault.read(db, event.seq, AUDITOR, f"  {REASON}\n", secret=SECRET)
    read = db.scalars(select(AuditEvent).where(AuditEvent.action == "vault.read")).one()
    assert (read.actor, read.target, read.reason) == ("auditor", f"audit:{event.seq}", REASON)
    assert read.details == {"entries": 3}
    assert audit.verify(db) == (2, None)


@pytest.mark.parametrize("reason", [None, "", "확인 필요", "          x"])
def test_reading_without_a_real_reason_is_refused_and_not_audited(db: Session, reason: str | None) -> None:
    event = _call_event(db)
    vault.store_mapping(db, _mapping(), event.seq, 30, secret=SECRET)
    with pytest.raises(ValidationFailed) as caught:
        vault.read(db, event.seq, AUDITOR, reason, secret=SECRET)
    assert caught.value.message == "guard.vault_reason_required"
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "vault.read")) is None


def test_overlong_reason_is_refused(db: Session) -> None:
    with pytest.raises(ValidationFailed):
        vault.read(db, 1, AUDITOR, "가" * (vault.MAX_REASON_CHARS + 1), secret=SECRET)


def test_request_id_key_and_unknown_key(db: Session) -> None:
    vault.store_mapping(db, {"[전화_1]": "010-1111-2222"}, None, 30, secret=SECRET, request_id="req-42")
    assert vault.read(db, "req-42", AUDITOR, REASON, secret=SECRET) == {"[전화_1]": "010-1111-2222"}
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "vault.read")).one()
    assert event.target == "request:req-42"
    with pytest.raises(NotFound):
        vault.read(db, "req-43", AUDITOR, REASON, secret=SECRET)


def test_empty_mapping_stores_nothing(db: Session) -> None:
    assert vault.store_mapping(db, {}, 1, 30, secret=SECRET) is None
    assert db.scalar(select(VaultEntry)) is None


def test_an_entry_needs_a_key_and_a_positive_retention(db: Session) -> None:
    with pytest.raises(ValueError, match="audit seq"):
        vault.store_mapping(db, {"[개인_1]": "김민수"}, None, 30, secret=SECRET)
    with pytest.raises(ValueError, match="retention"):
        vault.store_mapping(db, {"[개인_1]": "김민수"}, 1, 0, secret=SECRET)


def test_expired_entries_cannot_be_read_and_are_purged(db: Session) -> None:
    old, fresh = _call_event(db), _call_event(db)
    vault.store_mapping(db, {"[개인_1]": "김민수"}, old.seq, 1, secret=SECRET)
    vault.store_mapping(db, {"[개인_1]": "이영희"}, fresh.seq, 30, secret=SECRET)
    stale = db.scalars(select(VaultEntry).where(VaultEntry.audit_seq == old.seq)).one()
    stale.expires_at = utcnow() - timedelta(seconds=1)
    db.flush()
    assert vault.available(db, old.seq) is None and vault.available(db, fresh.seq) is not None
    with pytest.raises(NotFound):
        vault.read(db, old.seq, AUDITOR, REASON, secret=SECRET)
    assert vault.purge_expired(db) == 1
    assert [e.audit_seq for e in db.scalars(select(VaultEntry))] == [fresh.seq]


def test_storing_purges_what_has_expired(db: Session) -> None:
    first = vault.store_mapping(db, {"[개인_1]": "김민수"}, 1, 1, secret=SECRET)
    assert first is not None
    first.expires_at = utcnow() - timedelta(minutes=1)
    db.flush()
    vault.store_mapping(db, {"[개인_1]": "이영희"}, 2, 1, secret=SECRET)
    assert [e.audit_seq for e in db.scalars(select(VaultEntry))] == [2]
    assert vault.purge_expired(db, utcnow() + timedelta(days=2)) == 1


def test_a_tampered_or_foreign_entry_fails_loudly(db: Session) -> None:
    event = _call_event(db)
    vault.store_mapping(db, {"[개인_1]": "김민수"}, event.seq, 30, secret=SECRET)
    with pytest.raises(ValueError, match="cannot be decrypted"):
        vault.read(db, event.seq, AUDITOR, REASON, secret="another-secret-" + "y" * 30)


def test_retention_comes_from_settings_with_a_default() -> None:
    assert vault.retention_days(SimpleNamespace()) == 30
    assert vault.retention_days(SimpleNamespace(vault_retention_days=7)) == 7
    assert vault.retention_days(SimpleNamespace(vault_retention_days=0)) == 30
