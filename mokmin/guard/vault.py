"""The pseudonym vault: the one place the originals behind ``[개인_1]``-style placeholders are kept.

When the gateway pseudonymises a prompt for an external provider, it stores the conversation's mapping
(placeholder → original) here, sealed with a key derived from ``MOKMIN_SECRET_KEY`` (purpose
``guard-vault``) and linked to the model call's audit event. Entries expire after the retention period
(``vault_retention_days``, 30 days unless configured) and are purged. Opening an entry needs a stated reason
and appends a ``vault.read`` audit event in the same transaction, so no one reads it unseen.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mokmin.core.crypto import SecretBox
from mokmin.core.db import utcnow
from mokmin.core.errors import NotFound, ValidationFailed
from mokmin.guard import audit
from mokmin.guard.models import VaultEntry

PURPOSE = "guard-vault"
DEFAULT_RETENTION_DAYS = 30
MIN_REASON_CHARS = 10
MAX_REASON_CHARS = 500

VaultKey = int | str
"""An audit event's ``seq`` (int) or a request id (str)."""


def retention_days(settings: Any) -> int:
    """Days a mapping is kept: the ``vault_retention_days`` setting, or 30 where it is not defined."""
    value = getattr(settings, "vault_retention_days", DEFAULT_RETENTION_DAYS)
    return int(value) if isinstance(value, int) and value > 0 else DEFAULT_RETENTION_DAYS


def _box(secret: str) -> SecretBox:
    return SecretBox(secret, PURPOSE)


def store_mapping(
    db: Session,
    mapping: Mapping[str, str],
    audit_seq: int | None,
    retention_days: int = DEFAULT_RETENTION_DAYS,
    *,
    secret: str,
    request_id: str | None = None,
) -> VaultEntry | None:
    """Seal ``mapping`` and keep it for ``retention_days``, keyed by the call's audit ``seq`` or a request id.

    Runs inside the caller's transaction (the one that appends the audit event). An empty mapping stores
    nothing and returns ``None``: nothing was pseudonymised, so there is nothing to restore later. Expired
    entries are purged on the way (an indexed delete), so retention holds without a separate job.
    """
    if not mapping:
        return None
    if audit_seq is None and not request_id:
        raise ValueError("a vault entry needs an audit seq or a request id")
    if retention_days < 1:
        raise ValueError("retention_days must be at least 1")
    now = utcnow()
    purge_expired(db, now)
    plaintext = json.dumps(dict(mapping), ensure_ascii=False, sort_keys=True)
    entry = VaultEntry(
        audit_seq=audit_seq,
        request_id=request_id[:64] if request_id else None,
        sealed=_box(secret).seal(plaintext),
        entries=len(mapping),
        created_at=now,
        expires_at=now + timedelta(days=retention_days),
    )
    db.add(entry)
    db.flush()
    return entry


def _where(key: VaultKey) -> Any:
    if isinstance(key, int):
        return VaultEntry.audit_seq == key
    return VaultEntry.request_id == key


def _live(db: Session, key: VaultKey, now: datetime) -> VaultEntry | None:
    entry = db.scalar(select(VaultEntry).where(_where(key)))
    if entry is None or entry.expires_at <= now:
        return None
    return entry


def available(db: Session, key: VaultKey) -> VaultEntry | None:
    """The unexpired entry for ``key`` (sealed; nothing is opened or audited), or ``None``."""
    return _live(db, key, utcnow())


def check_reason(reason: str | None) -> str:
    """The stated reason, trimmed; refuses one that is missing, too short or too long."""
    text = " ".join((reason or "").split())
    if len(text) < MIN_REASON_CHARS:
        raise ValidationFailed("guard.vault_reason_required", min=MIN_REASON_CHARS)
    if len(text) > MAX_REASON_CHARS:
        raise ValidationFailed("guard.vault_reason_too_long", max=MAX_REASON_CHARS)
    return text


def read(
    db: Session, key: VaultKey, actor: audit.Actor, reason: str | None, *, secret: str
) -> dict[str, str]:
    """Open the mapping for ``key`` and append a ``vault.read`` audit event naming who, which entry and why.

    The reason is checked before anything is looked up; an expired or missing entry is a 404.
    """
    stated = check_reason(reason)
    entry = _live(db, key, utcnow())
    if entry is None:
        raise NotFound("guard.vault_not_found")
    mapping: dict[str, str] = json.loads(_box(secret).open(entry.sealed))
    target = f"audit:{entry.audit_seq}" if entry.audit_seq is not None else f"request:{entry.request_id}"
    audit.append(db, "vault.read", actor, target=target, reason=stated, details={"entries": len(mapping)})
    return mapping


def purge_expired(db: Session, now: datetime | None = None) -> int:
    """Delete every entry past its expiry; returns how many went."""
    moment = now or utcnow()
    result = db.execute(
        delete(VaultEntry)
        .where(VaultEntry.expires_at <= moment)
        .execution_options(synchronize_session="fetch")
    )
    return int(getattr(result, "rowcount", 0) or 0)
