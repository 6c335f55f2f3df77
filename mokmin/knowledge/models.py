"""Tables of the knowledge base: documents, their version history, who may read them, and their chunks.

Rights are deliberately simple: a document belongs to one department of one institution, carries a data
level (O open / S sensitive / C classified), and an audience — everyone in its institution, its department
only, or the users listed in ``kb_document_readers``. A reader also needs a clearance at or above the level.

Only the current version's chunks are kept (they are what search ranks); earlier versions remain as rows in
``kb_document_versions`` (hash, title, size, who and when) so the history of a document stays visible.

The full-text index is dialect-specific and lives outside these mapped columns: an FTS5 table
``kb_chunks_fts`` kept in step by triggers on SQLite, and a generated ``tsv`` column with a GIN index on
PostgreSQL. The migration creates them; :func:`install_search_index` does the same for ``create_all``.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Connection,
    Enum,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mokmin.core.db import Base, TimestampMixin, enum_values, utcnow


class DataLevel(enum.StrEnum):
    """N2SF levels, in increasing order of protection."""

    OPEN = "O"
    SENSITIVE = "S"
    CLASSIFIED = "C"

    @property
    def rank(self) -> int:
        return _LEVEL_ORDER.index(self)

    def at_or_below(self) -> list[DataLevel]:
        """The levels a reader cleared for this level may see."""
        return list(_LEVEL_ORDER[: self.rank + 1])


_LEVEL_ORDER = (DataLevel.OPEN, DataLevel.SENSITIVE, DataLevel.CLASSIFIED)


class Audience(enum.StrEnum):
    INSTITUTION = "institution"
    DEPARTMENT = "department"
    USERS = "users"


class KnowledgeDocument(TimestampMixin, Base):
    """One logical document (its identity survives new versions); ``sha256`` is the current version's."""

    __tablename__ = "kb_documents"
    __table_args__ = (
        UniqueConstraint("department_id", "source_key", name="uq_kb_documents_department_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(
        ForeignKey("institutions.id", ondelete="RESTRICT"), index=True
    )
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"), index=True)
    source_key: Mapped[str] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(String(500))
    format: Mapped[str] = mapped_column(String(16))
    data_level: Mapped[DataLevel] = mapped_column(
        Enum(DataLevel, native_enum=False, length=1, values_callable=enum_values, name="kb_data_level")
    )
    audience: Mapped[Audience] = mapped_column(
        Enum(Audience, native_enum=False, length=16, values_callable=enum_values, name="kb_audience")
    )
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(default=1)
    page_count: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="DocumentVersion.number",
    )
    readers: Mapped[list[DocumentReader]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    chunks: Mapped[list[KnowledgeChunk]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="KnowledgeChunk.ordinal",
    )


class DocumentVersion(Base):
    """One ingested file content of a document; the newest number is the current version."""

    __tablename__ = "kb_document_versions"
    __table_args__ = (
        UniqueConstraint("document_id", "number", name="uq_kb_document_versions_document_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("kb_documents.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(500))
    filename: Mapped[str] = mapped_column(String(500))
    size_bytes: Mapped[int]
    chunk_count: Mapped[int]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[KnowledgeDocument] = relationship(back_populates="versions")


class DocumentReader(Base):
    """A user allowed to read a document whose audience is ``users``."""

    __tablename__ = "kb_document_readers"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("kb_documents.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class KnowledgeChunk(Base):
    """A passage of the current version with where it sits (section path, pages) and its index terms."""

    __tablename__ = "kb_chunks"
    __table_args__ = (
        UniqueConstraint("document_id", "ordinal", name="uq_kb_chunks_document_ordinal"),
        CheckConstraint("ordinal >= 0", name="ordinal_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("kb_documents.id", ondelete="CASCADE"))
    ordinal: Mapped[int]
    section: Mapped[str] = mapped_column(String(1000), default="")
    page_start: Mapped[int | None]
    page_end: Mapped[int | None]
    text: Mapped[str] = mapped_column(Text)
    tokens: Mapped[str] = mapped_column(Text)

    document: Mapped[KnowledgeDocument] = relationship(back_populates="chunks")


class ChunkVector(Base):
    """The embedding of one chunk by one model, as little-endian float32 (the layout sqlite-vec and pgvector
    read), so that a query is only ever compared with vectors of the model that embedded it."""

    __tablename__ = "kb_chunk_vectors"

    chunk_id: Mapped[int] = mapped_column(ForeignKey("kb_chunks.id", ondelete="CASCADE"), primary_key=True)
    model: Mapped[str] = mapped_column(String(200), index=True)
    dimensions: Mapped[int]
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class IngestJob(TimestampMixin, Base):
    """One file on its way into the knowledge base: what was uploaded, by whom, for whom, and how it went.

    The file's bytes wait in ``payload`` until the job succeeds (then they are dropped: the index holds the
    text), so a failed job can be retried by any worker, on any machine, without the upload being repeated.
    """

    __tablename__ = "kb_jobs"
    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_percent"),
        Index("ix_kb_jobs_department_sha256", "department_id", "sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[JobStatus] = mapped_column(
        Enum(JobStatus, native_enum=False, length=16, values_callable=enum_values, name="kb_job_status"),
        default=JobStatus.QUEUED,
    )
    stage: Mapped[str] = mapped_column(String(32), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    filename: Mapped[str] = mapped_column(String(500))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    payload: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"))
    data_level: Mapped[DataLevel] = mapped_column(
        Enum(DataLevel, native_enum=False, length=1, values_callable=enum_values, name="kb_job_data_level")
    )
    audience: Mapped[Audience] = mapped_column(
        Enum(Audience, native_enum=False, length=16, values_callable=enum_values, name="kb_job_audience")
    )
    readers: Mapped[list[int]] = mapped_column(JSON, default=list)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("kb_documents.id", ondelete="SET NULL"))
    version: Mapped[int | None]
    outcome: Mapped[str | None] = mapped_column(String(16))
    chunk_count: Mapped[int | None]
    vector_count: Mapped[int | None]
    error_code: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(String(1000))
    error_detail: Mapped[str | None] = mapped_column(String(1000))
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


Index("ix_kb_documents_access", KnowledgeDocument.institution_id, KnowledgeDocument.data_level)

# The dialect-specific index. The migration carries its own copy of these statements (migrations must not
# change when this module does); keep the two in step.
SQLITE_INDEX_DDL: tuple[str, ...] = (
    "CREATE VIRTUAL TABLE kb_chunks_fts USING fts5(tokens, content='kb_chunks', content_rowid='id')",
    "CREATE TRIGGER kb_chunks_ai AFTER INSERT ON kb_chunks BEGIN "
    "INSERT INTO kb_chunks_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
    "CREATE TRIGGER kb_chunks_ad AFTER DELETE ON kb_chunks BEGIN "
    "INSERT INTO kb_chunks_fts(kb_chunks_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); END",
    "CREATE TRIGGER kb_chunks_au AFTER UPDATE OF tokens ON kb_chunks BEGIN "
    "INSERT INTO kb_chunks_fts(kb_chunks_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); "
    "INSERT INTO kb_chunks_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
)
POSTGRES_INDEX_DDL: tuple[str, ...] = (
    "ALTER TABLE kb_chunks ADD COLUMN tsv tsvector"
    " GENERATED ALWAYS AS (to_tsvector('simple', tokens)) STORED",
    "CREATE INDEX ix_kb_chunks_tsv ON kb_chunks USING gin (tsv)",
)
INDEX_DDL: dict[str, tuple[str, ...]] = {"sqlite": SQLITE_INDEX_DDL, "postgresql": POSTGRES_INDEX_DDL}


def install_search_index(connection: Connection) -> None:
    """Create the full-text index for this connection's dialect (after ``kb_chunks`` exists)."""
    for statement in INDEX_DDL.get(connection.dialect.name, ()):
        connection.exec_driver_sql(statement)


def _after_create(target: Table, connection: Connection, **_: object) -> None:
    install_search_index(connection)


event.listen(KnowledgeChunk.__table__, "after_create", _after_create)


def _before_drop(target: Table, connection: Connection, **_: object) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("DROP TABLE IF EXISTS kb_chunks_fts")


event.listen(KnowledgeChunk.__table__, "before_drop", _before_drop)
