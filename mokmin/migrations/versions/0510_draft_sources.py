"""drafting: knowledge-base passages attached to drafts as sources

Revision ID: 0510_draft_sources
Revises: 0500_drafting
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0510_draft_sources"
down_revision: str | Sequence[str] | None = "0500_drafting"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "draft_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("chunk_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=400), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("data_level", sa.String(length=1), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["drafts.id"], name=op.f("fk_draft_sources_draft_id_drafts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["added_by"], ["users.id"], name=op.f("fk_draft_sources_added_by_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_sources")),
        sa.UniqueConstraint("draft_id", "chunk_id", name="uq_draft_sources_draft_chunk"),
    )
    op.create_index(op.f("ix_draft_sources_draft_id"), "draft_sources", ["draft_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_draft_sources_draft_id"), table_name="draft_sources")
    op.drop_table("draft_sources")
