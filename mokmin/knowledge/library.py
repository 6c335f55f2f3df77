"""What the document pages read: the documents a reader may open, one document with its passages and history.

Every query here carries :func:`readable_by`; a document the reader may not open is reported exactly as a
missing one (404), so its existence is not revealed either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mokmin.core.errors import NotFound
from mokmin.core.models import Department
from mokmin.knowledge.models import DocumentVersion, KnowledgeChunk, KnowledgeDocument
from mokmin.knowledge.search import Reader, readable_by

MAX_LISTED = 200


@dataclass(frozen=True)
class DocumentRow:
    id: int
    title: str
    department: str
    format: str
    data_level: str
    audience: str
    version: int
    updated_at: datetime


def documents_for(session: Session, reader: Reader, limit: int = MAX_LISTED) -> list[DocumentRow]:
    """The documents ``reader`` may open, most recently changed first."""
    rows = session.execute(
        select(KnowledgeDocument, Department.name)
        .join(Department, Department.id == KnowledgeDocument.department_id)
        .where(readable_by(reader))
        .order_by(KnowledgeDocument.updated_at.desc(), KnowledgeDocument.id.desc())
        .limit(limit)
    ).all()
    return [
        DocumentRow(
            doc.id,
            doc.title,
            department,
            doc.format,
            doc.data_level.value,
            doc.audience.value,
            doc.version,
            doc.updated_at,
        )
        for doc, department in rows
    ]


def document_for(session: Session, reader: Reader, document_id: int) -> KnowledgeDocument:
    """The document if ``reader`` may open it; otherwise the same 404 as for a document that does not exist."""
    document = session.scalars(
        select(KnowledgeDocument).where(KnowledgeDocument.id == document_id, readable_by(reader))
    ).first()
    if document is None:
        raise NotFound("knowledge.document_not_found")
    return document


def passages(session: Session, document: KnowledgeDocument) -> list[KnowledgeChunk]:
    """The current version's passages in reading order (call only with a document from ``document_for``)."""
    return list(
        session.scalars(
            select(KnowledgeChunk)
            .where(KnowledgeChunk.document_id == document.id)
            .order_by(KnowledgeChunk.ordinal)
        )
    )


def history(session: Session, document: KnowledgeDocument) -> list[DocumentVersion]:
    """Every version of the document, newest first."""
    return list(
        session.scalars(
            select(DocumentVersion)
            .where(DocumentVersion.document_id == document.id)
            .order_by(DocumentVersion.number.desc())
        )
    )
