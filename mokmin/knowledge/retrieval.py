"""Hybrid retrieval: lexical BM25 and, when the query was embedded, nearest vectors, fused by reciprocal rank.

Without a query vector this is exactly :func:`mokmin.knowledge.search.search`. With one, each side ranks a
wider candidate list among the chunks the reader may read (both filters are in SQL), and reciprocal rank
fusion merges them: a chunk found by both climbs, a chunk found by one still counts, and neither side's raw
score scale matters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from mokmin.knowledge.models import DataLevel, KnowledgeChunk, KnowledgeDocument
from mokmin.knowledge.search import Reader, SearchHit, hit_columns, readable_by, search
from mokmin.knowledge.tokenize import DEFAULT_ANALYZER, Analyzer
from mokmin.knowledge.vectors import nearest, reciprocal_rank_fusion

CANDIDATES_PER_SIDE = 3


@dataclass(frozen=True, slots=True)
class QueryVector:
    """A query embedded by ``model``; only vectors of the same model are compared with it."""

    model: str
    vector: list[float]


def hits_for(session: Session, reader: Reader, chunk_ids: Sequence[int]) -> list[SearchHit]:
    """Search hits (score 0) for chunk ids, dropping any the reader may not read; in the given order."""
    if not chunk_ids:
        return []
    rows = session.execute(
        select(*hit_columns())
        .join(KnowledgeDocument, KnowledgeDocument.id == KnowledgeChunk.document_id)
        .where(KnowledgeChunk.id.in_(list(chunk_ids)), readable_by(reader))
    ).all()
    found = {
        row[1]: SearchHit(
            document_id=row[0],
            chunk_id=row[1],
            score=0.0,
            title=row[2],
            section=row[3],
            page_start=row[4],
            page_end=row[5],
            text=row[6],
            data_level=DataLevel(row[7]),
        )
        for row in rows
    }
    return [found[chunk] for chunk in chunk_ids if chunk in found]


def hybrid_search(
    session: Session,
    reader: Reader,
    query: str,
    *,
    limit: int = 10,
    query_vector: QueryVector | None = None,
    analyzer: Analyzer = DEFAULT_ANALYZER,
) -> list[SearchHit]:
    """The best ``limit`` passages the reader may read; fused with vector neighbours when given a vector."""
    if query_vector is None:
        return search(session, reader, query, limit=limit, analyzer=analyzer)
    wide = limit * CANDIDATES_PER_SIDE
    lexical = search(session, reader, query, limit=wide, analyzer=analyzer)
    near = nearest(session, reader, query_vector.model, query_vector.vector, wide)
    fused = reciprocal_rank_fusion([[hit.chunk_id for hit in lexical], [chunk for chunk, _ in near]])[:limit]
    known = {hit.chunk_id: hit for hit in lexical}
    missing = [chunk for chunk, _ in fused if chunk not in known]
    known.update({hit.chunk_id: hit for hit in hits_for(session, reader, missing)})
    return [replace(known[chunk], score=score) for chunk, score in fused if chunk in known]
