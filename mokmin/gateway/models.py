"""Tables of the gateway: configured providers, usage events, budgets and their counters, conversations."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mokmin.core.db import Base, TimestampMixin, utcnow


class ProviderRecord(TimestampMixin, Base):
    """A provider an admin registered. ``config`` is the ProviderConfig without its secret, which is sealed."""

    __tablename__ = "gateway_providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    sealed_api_key: Mapped[str | None] = mapped_column(Text)
    allowed_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    allowed_department_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    priority: Mapped[int] = mapped_column(default=100)
    enabled: Mapped[bool] = mapped_column(default=True)


class UsageEvent(Base):
    """One model call: who, which provider and model, tokens, cost, latency, purpose, outcome."""

    __tablename__ = "gateway_usage_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    department_id: Mapped[int | None] = mapped_column(index=True)
    institution_id: Mapped[int | None]
    provider: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(200))
    data_level: Mapped[str] = mapped_column(String(1))
    purpose: Mapped[str] = mapped_column(String(64), default="chat")
    input_tokens: Mapped[int] = mapped_column(default=0)
    output_tokens: Mapped[int] = mapped_column(default=0)
    cost: Mapped[Decimal] = mapped_column(Numeric(18, 8), default=Decimal(0))
    latency_ms: Mapped[int] = mapped_column(default=0)
    first_token_ms: Mapped[int | None]
    streamed: Mapped[bool] = mapped_column(default=False)
    outcome: Mapped[str] = mapped_column(String(32), default="ok")
    error: Mapped[str | None] = mapped_column(String(300))


class BudgetRule(TimestampMixin, Base):
    """A limit for one user or one department: tokens or cost per month, requests per minute."""

    __tablename__ = "gateway_budgets"
    __table_args__ = (UniqueConstraint("scope", "scope_id", name="uq_gateway_budgets_scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))  # "user" | "department"
    scope_id: Mapped[int]
    monthly_tokens: Mapped[int | None] = mapped_column(BigInteger)
    monthly_cost: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    requests_per_minute: Mapped[int | None]


class LimitCounter(Base):
    """A counter for one limit window (e.g. ``tokens:user:7:2026-11``) when no Redis is configured."""

    __tablename__ = "gateway_counters"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    used: Mapped[Decimal] = mapped_column(Numeric(24, 8), default=Decimal(0))
    expires_at: Mapped[datetime]


class Conversation(TimestampMixin, Base):
    """A chat kept for its owner; deleted after the admin's retention period."""

    __tablename__ = "gateway_conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    model: Mapped[str] = mapped_column(String(200))
    data_level: Mapped[str] = mapped_column(String(1), default="O")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    messages: Mapped[list[ConversationMessage]] = relationship(
        back_populates="conversation", order_by="ConversationMessage.id", cascade="all, delete-orphan"
    )


class ConversationMessage(TimestampMixin, Base):
    __tablename__ = "gateway_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("gateway_conversations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    provider: Mapped[str | None] = mapped_column(String(64))
    input_tokens: Mapped[int] = mapped_column(default=0)
    output_tokens: Mapped[int] = mapped_column(default=0)
    cost: Mapped[Decimal] = mapped_column(Numeric(18, 8), default=Decimal(0))
    conversation: Mapped[Conversation] = relationship(back_populates="messages")
