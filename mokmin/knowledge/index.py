"""Store a parsed document: one row per logical document, a version row per distinct content, its chunks.

Idempotent by content: the same bytes uploaded again to the same department return the existing document
untouched (checked by SHA-256 before parsing, so a retried job costs nothing). A different content under
the same source key (by default the file name) becomes the next version: the old chunks are replaced and
the version history grows. Parsing happens before the first write, and nothing here commits, so a file
that fails leaves nothing half-indexed once the caller's transaction rolls back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePath

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from mokmin.core.errors import NotFound, ValidationFailed
from mokmin.knowledge.chunk import chunk_document
from mokmin.knowledge.ingest.base import ParsedDocument
from mokmin.knowledge.ingest.registry import parse_document
from mokmin.knowledge.models import (
    Audience,
    DataLevel,
    DocumentReader,
    DocumentVersion,
    KnowledgeChunk,
    KnowledgeDocument,
)
from mokmin.knowledge.safety import DEFAULT_LIMITS, Limits
from mokmin.knowledge.tokenize import DEFAULT_ANALYZER, Analyzer


@dataclass(frozen=True, slots=True)
class Ownership:
    """Who owns a document and who may read it."""

    institution_id: int
    department_id: int
    data_level: DataLevel = DataLevel.OPEN
    audience: Audience = Audience.DEPARTMENT
    readers: tuple[int, ...] = field(default_factory=tuple)
    uploaded_by: int | None = None

    def __post_init__(self) -> None:
        if self.audience == Audience.USERS and not self.readers:
            raise ValidationFailed("열람자를 지정한 문서는 열람할 사용자를 한 명 이상 정해야 합니다.")


class IndexOutcome(StrEnum):
    CREATED = "created"
    NEW_VERSION = "new_version"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class IndexResult:
    document_id: int
    version: int
    outcome: IndexOutcome
    chunk_count: int


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _find_same_content(session: Session, ownership: Ownership, digest: str) -> KnowledgeDocument | None:
    return session.scalars(
        select(KnowledgeDocument).where(
            KnowledgeDocument.department_id == ownership.department_id, KnowledgeDocument.sha256 == digest
        )
    ).first()


def _unchanged(session: Session, document: KnowledgeDocument) -> IndexResult:
    chunks = session.scalar(
        select(DocumentVersion.chunk_count).where(
            DocumentVersion.document_id == document.id, DocumentVersion.number == document.version
        )
    )
    return IndexResult(document.id, document.version, IndexOutcome.UNCHANGED, chunks or 0)


def ingest_bytes(
    session: Session,
    data: bytes,
    filename: str,
    ownership: Ownership,
    *,
    source_key: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    analyzer: Analyzer = DEFAULT_ANALYZER,
) -> IndexResult:
    """Parse and index one file's bytes; raises a :class:`DocumentRejected` subclass for a bad file."""
    digest = sha256_of(data)
    existing = _find_same_content(session, ownership, digest)
    if existing is not None:
        return _unchanged(session, existing)
    parsed = parse_document(data, filename, limits)
    return index_document(
        session,
        parsed,
        ownership,
        sha256=digest,
        filename=filename,
        size_bytes=len(data),
        source_key=source_key,
        analyzer=analyzer,
    )


def _chunk_rows(document_id: int, parsed: ParsedDocument, analyzer: Analyzer) -> list[dict[str, object]]:
    chunks = chunk_document(parsed)
    terms = analyzer.index_terms_many([f"{chunk.section}\n{chunk.text}" for chunk in chunks])
    return [
        {
            "document_id": document_id,
            "ordinal": chunk.ordinal,
            "section": chunk.section[:1000],
            "page_start": chunk.page_start,
            "page_end": chunk.page_end,
            "text": chunk.text,
            "tokens": tokens,
        }
        for chunk, tokens in zip(chunks, terms, strict=True)
    ]


def _set_readers(session: Session, document: KnowledgeDocument, readers: Sequence[int]) -> None:
    session.execute(delete(DocumentReader).where(DocumentReader.document_id == document.id))
    if readers:
        session.execute(
            insert(DocumentReader),
            [{"document_id": document.id, "user_id": user} for user in dict.fromkeys(readers)],
        )


def index_document(
    session: Session,
    parsed: ParsedDocument,
    ownership: Ownership,
    *,
    sha256: str,
    filename: str,
    size_bytes: int,
    source_key: str | None = None,
    analyzer: Analyzer = DEFAULT_ANALYZER,
) -> IndexResult:
    """Store ``parsed`` as a new document or as the next version of the one with the same source key."""
    existing = _find_same_content(session, ownership, sha256)
    if existing is not None:
        return _unchanged(session, existing)
    key = (source_key or PurePath(filename).name or sha256)[:500]
    document = session.scalars(
        select(KnowledgeDocument).where(
            KnowledgeDocument.department_id == ownership.department_id, KnowledgeDocument.source_key == key
        )
    ).first()
    outcome = IndexOutcome.NEW_VERSION
    if document is None:
        outcome = IndexOutcome.CREATED
        document = KnowledgeDocument(department_id=ownership.department_id, source_key=key, version=0)
        session.add(document)
    document.institution_id = ownership.institution_id
    document.title = parsed.title[:500]
    document.format = parsed.format.value
    document.data_level = ownership.data_level
    document.audience = ownership.audience
    document.sha256 = sha256
    document.version += 1
    document.page_count = parsed.page_count
    session.flush()
    session.execute(delete(KnowledgeChunk).where(KnowledgeChunk.document_id == document.id))
    rows = _chunk_rows(document.id, parsed, analyzer)
    if rows:
        session.execute(insert(KnowledgeChunk), rows)
    _set_readers(session, document, ownership.readers)
    session.add(
        DocumentVersion(
            document_id=document.id,
            number=document.version,
            sha256=sha256,
            title=document.title,
            filename=PurePath(filename).name[:500],
            size_bytes=size_bytes,
            chunk_count=len(rows),
            created_by=ownership.uploaded_by,
        )
    )
    session.flush()
    session.expire(document, ["chunks", "readers", "versions"])
    return IndexResult(document.id, document.version, outcome, len(rows))


def delete_document(session: Session, document_id: int) -> None:
    """Remove a document with its versions, readers and chunks; the full-text index follows."""
    document = session.get(KnowledgeDocument, document_id)
    if document is None:
        raise NotFound("문서를 찾을 수 없습니다.")
    session.execute(delete(KnowledgeChunk).where(KnowledgeChunk.document_id == document_id))
    session.delete(document)
    session.flush()
