"""gateway: providers, usage, budgets, conversations

Revision ID: 0200_gateway
Revises: 0001_foundation
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0200_gateway"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = ("gateway",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gateway_budgets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("scope_id", sa.Integer(), nullable=False),
        sa.Column("monthly_tokens", sa.BigInteger(), nullable=True),
        sa.Column("monthly_cost", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("requests_per_minute", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gateway_budgets")),
        sa.UniqueConstraint("scope", "scope_id", name="uq_gateway_budgets_scope"),
    )
    op.create_table(
        "gateway_counters",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("used", sa.Numeric(precision=24, scale=8), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_gateway_counters")),
    )
    op.create_table(
        "gateway_providers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("sealed_api_key", sa.Text(), nullable=True),
        sa.Column("allowed_roles", sa.JSON(), nullable=False),
        sa.Column("allowed_department_ids", sa.JSON(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gateway_providers")),
        sa.UniqueConstraint("name", name=op.f("uq_gateway_providers_name")),
    )
    op.create_table(
        "gateway_conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("data_level", sa.String(length=1), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_gateway_conversations_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gateway_conversations")),
    )
    with op.batch_alter_table("gateway_conversations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gateway_conversations_updated_at"), ["updated_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_gateway_conversations_user_id"), ["user_id"], unique=False)

    op.create_table(
        "gateway_usage_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("institution_id", sa.Integer(), nullable=True),
        sa.Column("provider", sa.String(length=64), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("data_level", sa.String(length=1), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("input_tokens", sa.Integer(), nullable=False),
        sa.Column("output_tokens", sa.Integer(), nullable=False),
        sa.Column("cost", sa.Numeric(precision=18, scale=8), nullable=False),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("first_token_ms", sa.Integer(), nullable=True),
        sa.Column("streamed", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_gateway_usage_events_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gateway_usage_events")),
    )
    with op.batch_alter_table("gateway_usage_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gateway_usage_events_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gateway_usage_events_occurred_at"), ["occurred_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_gateway_usage_events_user_id"), ["user_id"], unique=False)

    op.create_table(
        "gateway_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("provider", sa.String(length=64), nullable=True),
        sa.Column("input_tokens", sa.Integer(), nullable=False),
        sa.Column("output_tokens", sa.Integer(), nullable=False),
        sa.Column("cost", sa.Numeric(precision=18, scale=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["gateway_conversations.id"],
            name=op.f("fk_gateway_messages_conversation_id_gateway_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gateway_messages")),
    )
    with op.batch_alter_table("gateway_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gateway_messages_conversation_id"), ["conversation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("gateway_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gateway_messages_conversation_id"))

    op.drop_table("gateway_messages")
    with op.batch_alter_table("gateway_usage_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gateway_usage_events_user_id"))
        batch_op.drop_index(batch_op.f("ix_gateway_usage_events_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_gateway_usage_events_department_id"))

    op.drop_table("gateway_usage_events")
    with op.batch_alter_table("gateway_conversations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gateway_conversations_user_id"))
        batch_op.drop_index(batch_op.f("ix_gateway_conversations_updated_at"))

    op.drop_table("gateway_conversations")
    op.drop_table("gateway_providers")
    op.drop_table("gateway_counters")
    op.drop_table("gateway_budgets")
