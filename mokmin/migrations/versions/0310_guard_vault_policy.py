"""guard: pseudonym vault and policy overrides

Revision ID: 0310_guard_vault_policy
Revises: 0300_guard_audit
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0310_guard_vault_policy"
down_revision: str | Sequence[str] | None = "0300_guard_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "guard_vault",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_seq", sa.BigInteger(), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guard_vault")),
        sa.UniqueConstraint("audit_seq", name=op.f("uq_guard_vault_audit_seq")),
        sa.UniqueConstraint("request_id", name=op.f("uq_guard_vault_request_id")),
    )
    op.create_index(op.f("ix_guard_vault_expires_at"), "guard_vault", ["expires_at"])
    op.create_table(
        "guard_policy_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("data_level", sa.String(length=1), nullable=False),
        sa.Column("locality", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guard_policy_overrides")),
        sa.UniqueConstraint("data_level", "locality", name="uq_guard_policy_overrides_cell"),
    )


def downgrade() -> None:
    op.drop_table("guard_policy_overrides")
    op.drop_index(op.f("ix_guard_vault_expires_at"), table_name="guard_vault")
    op.drop_table("guard_vault")
