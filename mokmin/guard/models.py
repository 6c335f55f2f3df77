"""Tables of the guard domain: the hash-chained audit log and its head, the pseudonym vault, policy overrides."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mokmin.core.db import Base


class AuditEvent(Base):
    """One thing that happened. Never updated or deleted; ``hash`` covers every field and ``prev_hash``."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64))
    department_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    outcome: Mapped[str] = mapped_column(String(32), default="ok")
    data_level: Mapped[str | None] = mapped_column(String(1))
    provider: Mapped[str | None] = mapped_column(String(100))
    request_digest: Mapped[str | None] = mapped_column(String(64))
    response_digest: Mapped[str | None] = mapped_column(String(64))
    findings: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """A single row holding the chain's newest ``seq`` and ``hash``.

    Appending updates this row first, which takes the write lock (a row lock on PostgreSQL, the database
    write lock on SQLite), so concurrent appends queue up instead of forking the chain.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class VaultEntry(Base):
    """One pseudonymised exchange's mapping (placeholder → original), sealed with the vault key.

    The only place in the database where the original values of pseudonymised personal data live, and only
    until ``expires_at``; found by the audit event of the model call (``audit_seq``) or a request id.
    """

    __tablename__ = "guard_vault"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    sealed: Mapped[str] = mapped_column(Text)
    entries: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class PolicyOverride(Base):
    """The privacy officer's tightening of one policy cell (data level × provider locality)."""

    __tablename__ = "guard_policy_overrides"
    __table_args__ = (UniqueConstraint("data_level", "locality", name="uq_guard_policy_overrides_cell"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    data_level: Mapped[str] = mapped_column(String(1))
    locality: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(64))
