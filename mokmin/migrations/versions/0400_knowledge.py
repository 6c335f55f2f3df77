"""knowledge: documents, versions, readers, chunks and the full-text index

Revision ID: 0400_knowledge
Revises: 0001_foundation

The full-text index differs per dialect: an FTS5 table over ``kb_chunks.tokens`` kept in step by triggers on
SQLite; a generated ``tsvector`` column (config ``simple``: the tokens are already morphemes) with a GIN index
on PostgreSQL. The statements are written out here rather than imported so this migration never changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0400_knowledge"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = ("knowledge",)
depends_on: str | Sequence[str] | None = None

SQLITE_INDEX = (
    "CREATE VIRTUAL TABLE kb_chunks_fts USING fts5(tokens, content='kb_chunks', content_rowid='id')",
    "CREATE TRIGGER kb_chunks_ai AFTER INSERT ON kb_chunks BEGIN "
    "INSERT INTO kb_chunks_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
    "CREATE TRIGGER kb_chunks_ad AFTER DELETE ON kb_chunks BEGIN "
    "INSERT INTO kb_chunks_fts(kb_chunks_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); END",
    "CREATE TRIGGER kb_chunks_au AFTER UPDATE OF tokens ON kb_chunks BEGIN "
    "INSERT INTO kb_chunks_fts(kb_chunks_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); "
    "INSERT INTO kb_chunks_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
)
POSTGRES_INDEX = (
    "ALTER TABLE kb_chunks ADD COLUMN tsv tsvector"
    " GENERATED ALWAYS AS (to_tsvector('simple', tokens)) STORED",
    "CREATE INDEX ix_kb_chunks_tsv ON kb_chunks USING gin (tsv)",
)


def upgrade() -> None:
    op.create_table(
        "kb_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("source_key", sa.String(length=500), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column(
            "data_level",
            sa.Enum("O", "S", "C", name="kb_data_level", native_enum=False, length=1),
            nullable=False,
        ),
        sa.Column(
            "audience",
            sa.Enum("institution", "department", "users", name="kb_audience", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_kb_documents_department_id_departments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_kb_documents_institution_id_institutions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_documents")),
        sa.UniqueConstraint("department_id", "source_key", name="uq_kb_documents_department_source"),
    )
    op.create_index(op.f("ix_kb_documents_department_id"), "kb_documents", ["department_id"])
    op.create_index(op.f("ix_kb_documents_institution_id"), "kb_documents", ["institution_id"])
    op.create_index(op.f("ix_kb_documents_sha256"), "kb_documents", ["sha256"])
    op.create_index("ix_kb_documents_access", "kb_documents", ["institution_id", "data_level"])
    op.create_table(
        "kb_document_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("filename", sa.String(length=500), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("chunk_count", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_kb_document_versions_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["kb_documents.id"],
            name=op.f("fk_kb_document_versions_document_id_kb_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_document_versions")),
        sa.UniqueConstraint("document_id", "number", name="uq_kb_document_versions_document_number"),
    )
    op.create_index(op.f("ix_kb_document_versions_document_id"), "kb_document_versions", ["document_id"])
    op.create_table(
        "kb_document_readers",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["kb_documents.id"],
            name=op.f("fk_kb_document_readers_document_id_kb_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_kb_document_readers_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("document_id", "user_id", name=op.f("pk_kb_document_readers")),
    )
    op.create_index(op.f("ix_kb_document_readers_user_id"), "kb_document_readers", ["user_id"])
    op.create_table(
        "kb_chunks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=1000), nullable=False),
        sa.Column("page_start", sa.Integer(), nullable=True),
        sa.Column("page_end", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("tokens", sa.Text(), nullable=False),
        sa.CheckConstraint("ordinal >= 0", name=op.f("ck_kb_chunks_ordinal_not_negative")),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["kb_documents.id"],
            name=op.f("fk_kb_chunks_document_id_kb_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_chunks")),
        sa.UniqueConstraint("document_id", "ordinal", name="uq_kb_chunks_document_ordinal"),
    )
    statements = {"sqlite": SQLITE_INDEX, "postgresql": POSTGRES_INDEX}.get(op.get_bind().dialect.name, ())
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS kb_chunks_fts")
    op.drop_table("kb_chunks")
    op.drop_index(op.f("ix_kb_document_readers_user_id"), table_name="kb_document_readers")
    op.drop_table("kb_document_readers")
    op.drop_index(op.f("ix_kb_document_versions_document_id"), table_name="kb_document_versions")
    op.drop_table("kb_document_versions")
    op.drop_index("ix_kb_documents_access", table_name="kb_documents")
    op.drop_index(op.f("ix_kb_documents_sha256"), table_name="kb_documents")
    op.drop_index(op.f("ix_kb_documents_institution_id"), table_name="kb_documents")
    op.drop_index(op.f("ix_kb_documents_department_id"), table_name="kb_documents")
    op.drop_table("kb_documents")
