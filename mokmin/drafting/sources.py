"""Knowledge-base passages as sources of a draft: searched with the author's own rights, attached, cited.

Attached passages go into every prose prompt (``자료 1: …``) and count as support in the invention check. The
draft's data level is the highest level among them (N2SF: O < S < C): a draft citing a sensitive report may
only be written by a model allowed to receive sensitive data. Services never commit.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from mokmin.core.errors import NotFound, ValidationFailed
from mokmin.core.levels import DataLevel
from mokmin.core.models import User
from mokmin.drafting import repository
from mokmin.drafting.models import DraftRecord, DraftSource
from mokmin.guard import audit
from mokmin.knowledge import QueryVector, Reader, SearchHit, hybrid_search, readable_chunks

__all__ = [
    "MAX_SOURCES",
    "SEARCH_LIMIT",
    "attach",
    "detach",
    "level_of",
    "prompt_sources",
    "search",
]

MAX_SOURCES = 8
SEARCH_LIMIT = 8
SOURCE_CHARS = 1500  # the same excerpt length the ask page gives a model


def search(
    db: Session, user: User, reader: Reader, query: str, *, vector: QueryVector | None = None
) -> list[SearchHit]:
    """Passages *reader* may read for *query* (the knowledge base's own hybrid search); the query is audited
    as a digest only."""
    query = query.strip()[:500]
    if not query:
        return []
    hits = hybrid_search(db, reader, query, limit=SEARCH_LIMIT, query_vector=vector)
    audit.append(
        db,
        "knowledge.search",
        audit.actor_of(user),
        target="kb",
        request_digest=audit.text_digest(query),
        details={"hits": [hit.chunk_id for hit in hits], "purpose": "draft_sources"},
    )
    return hits


def _hit_of(db: Session, reader: Reader, chunk_id: int) -> SearchHit:
    chunks = readable_chunks(db, reader, [chunk_id])
    if not chunks:
        raise NotFound("drafting.error.source_not_found")
    chunk = chunks[0]
    document = chunk.document
    return SearchHit(
        document_id=document.id,
        chunk_id=chunk.id,
        score=0.0,
        title=document.title,
        section=chunk.section,
        page_start=chunk.page_start,
        page_end=chunk.page_end,
        text=chunk.text,
        data_level=document.data_level,
    )


def attach(db: Session, user: User, draft: DraftRecord, reader: Reader, chunk_id: int) -> DraftSource:
    """Attach one passage the author may read (attaching it twice changes nothing); the caller checked that
    *user* may edit *draft*."""
    for existing in draft.sources:
        if existing.chunk_id == chunk_id:
            return existing
    if len(draft.sources) >= MAX_SOURCES:
        raise ValidationFailed("drafting.error.too_many_sources", limit=MAX_SOURCES)
    hit = _hit_of(db, reader, chunk_id)
    row = DraftSource(
        draft_id=draft.id,
        chunk_id=hit.chunk_id,
        document_id=hit.document_id,
        reference=hit.reference[:400],
        text=hit.text[:SOURCE_CHARS],
        data_level=hit.data_level.value,
        added_by=user.id,
    )
    draft.sources.append(row)
    repository.add(db, row)
    audit.append(
        db,
        "draft.source_attach",
        audit.actor_of(user),
        target=f"draft:{draft.id}",
        data_level=row.data_level,
        details={"chunk_id": hit.chunk_id, "document_id": hit.document_id},
    )
    return row


def detach(db: Session, user: User, draft: DraftRecord, source_id: int) -> None:
    """Remove one attached passage from *draft*."""
    row = next((source for source in draft.sources if source.id == source_id), None)
    if row is None:
        raise NotFound("drafting.error.source_not_found")
    draft.sources.remove(row)
    db.flush()
    audit.append(
        db,
        "draft.source_detach",
        audit.actor_of(user),
        target=f"draft:{draft.id}",
        details={"chunk_id": row.chunk_id, "document_id": row.document_id},
    )


def prompt_sources(sources: Sequence[DraftSource]) -> tuple[str, ...]:
    """What the prose prompts and the invention check read: each passage after its citation."""
    return tuple(f"[{source.reference}] {source.text}" for source in sources)


def level_of(sources: Sequence[DraftSource]) -> DataLevel:
    """The draft's data level: the highest level of its sources, open when it has none."""
    return DataLevel.highest(DataLevel.OPEN, *(DataLevel(source.data_level) for source in sources))
