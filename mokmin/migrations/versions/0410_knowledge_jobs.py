"""knowledge: ingestion jobs and chunk vectors

Revision ID: 0410_knowledge_jobs
Revises: 0400_knowledge

``kb_jobs`` records each uploaded file's way into the index (status, progress, attempts, the reason of a
failure, and the bytes until it succeeds). ``kb_chunk_vectors`` holds one embedding per chunk and model as
float32 bytes; it follows its chunk on delete, so a new version never keeps stale vectors.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0410_knowledge_jobs"
down_revision: str | Sequence[str] | None = "0400_knowledge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kb_chunk_vectors",
        sa.Column("chunk_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("dimensions", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chunk_id"],
            ["kb_chunks.id"],
            name=op.f("fk_kb_chunk_vectors_chunk_id_kb_chunks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("chunk_id", name=op.f("pk_kb_chunk_vectors")),
    )
    op.create_index(op.f("ix_kb_chunk_vectors_model"), "kb_chunk_vectors", ["model"])
    op.create_table(
        "kb_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "queued", "running", "done", "failed", name="kb_job_status", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=500), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=True),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column(
            "data_level",
            sa.Enum("O", "S", "C", name="kb_job_data_level", native_enum=False, length=1),
            nullable=False,
        ),
        sa.Column(
            "audience",
            sa.Enum(
                "institution", "department", "users", name="kb_job_audience", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("readers", sa.JSON(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("chunk_count", sa.Integer(), nullable=True),
        sa.Column("vector_count", sa.Integer(), nullable=True),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error", sa.String(length=1000), nullable=True),
        sa.Column("error_detail", sa.String(length=1000), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name=op.f("ck_kb_jobs_progress_percent")),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_kb_jobs_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["kb_documents.id"],
            name=op.f("fk_kb_jobs_document_id_kb_documents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_kb_jobs_institution_id_institutions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["users.id"], name=op.f("fk_kb_jobs_uploaded_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_jobs")),
    )
    op.create_index("ix_kb_jobs_department_sha256", "kb_jobs", ["department_id", "sha256"])
    op.create_index(op.f("ix_kb_jobs_uploaded_by"), "kb_jobs", ["uploaded_by"])


def downgrade() -> None:
    op.drop_table("kb_jobs")
    op.drop_table("kb_chunk_vectors")
