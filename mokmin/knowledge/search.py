"""Lexical search over chunk terms, filtered by the reader's rights inside the same query.

The query is analysed with the same analyzer as the documents, and its terms are OR-ed: BM25 (SQLite FTS5
``bm25()``) or ``ts_rank_cd`` (PostgreSQL, config ``simple`` over the same terms) then ranks passages that
share more, rarer terms higher. The access filter is part of the SQL ``WHERE``, never applied to a
truncated result list, so a reader sees the best chunks *they may read* and nothing else.

On SQLite, cost grows with the postings a query touches, so two measures keep a 100,000-chunk index under
50 ms per query (``python -m bench.knowledge``):

* Term pruning: each term's document frequency is counted, capped at :data:`POSTINGS_BUDGET` (a capped
  count stops early). Terms absent from the index are dropped; when all terms together would touch more
  than the budget, the most common ones are left out, the rarest always stays. Common terms carry little
  BM25 weight. Small indexes are never pruned.
* Rank first, join later: BM25 ranks the matches inside the FTS5 table alone and only the best
  :data:`CANDIDATES_PER_RESULT` × ``limit`` are joined to their documents and filtered. Should the reader
  be allowed fewer than ``limit`` of those, the query runs again over all matches, so the result is
  always exactly the best passages the reader may read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, column, exists, func, literal_column, or_, select, table
from sqlalchemy.orm import Session

from mokmin.knowledge.models import Audience, DataLevel, DocumentReader, KnowledgeChunk, KnowledgeDocument
from mokmin.knowledge.tokenize import DEFAULT_ANALYZER, Analyzer

MAX_QUERY_TERMS = 32
POSTINGS_BUDGET = 10_000
CANDIDATES_PER_RESULT = 50
FTS_TABLE = table("kb_chunks_fts", column("rowid"))


@dataclass(frozen=True, slots=True)
class Reader:
    """Who is asking: the access filter is computed from these four facts only."""

    user_id: int
    department_id: int | None
    institution_id: int | None
    max_level: DataLevel = DataLevel.OPEN


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One ranked passage with what a citation needs."""

    document_id: int
    chunk_id: int
    score: float
    title: str
    section: str
    page_start: int | None
    page_end: int | None
    text: str
    data_level: DataLevel

    @property
    def reference(self) -> str:
        """Human citation: ``title, section, pages`` (pages only for paged formats)."""
        parts = [self.title]
        if self.section:
            parts.append(self.section)
        if self.page_start is not None:
            pages = (
                f"{self.page_start}"
                if self.page_end in {None, self.page_start}
                else f"{self.page_start}–{self.page_end}"
            )
            parts.append(f"{pages}쪽")
        return ", ".join(parts)


def readable_by(reader: Reader) -> ColumnElement[bool]:
    """SQL condition on :class:`KnowledgeDocument`: true only for documents ``reader`` may read."""
    if reader.institution_id is None:
        return literal_column("1") == literal_column("0")
    listed = exists().where(
        DocumentReader.document_id == KnowledgeDocument.id, DocumentReader.user_id == reader.user_id
    )
    audience = or_(
        KnowledgeDocument.audience == Audience.INSTITUTION,
        and_(
            KnowledgeDocument.audience == Audience.DEPARTMENT,
            KnowledgeDocument.department_id == reader.department_id,
        )
        if reader.department_id is not None
        else literal_column("1") == literal_column("0"),
        and_(KnowledgeDocument.audience == Audience.USERS, listed),
    )
    return and_(
        KnowledgeDocument.institution_id == reader.institution_id,
        KnowledgeDocument.data_level.in_(reader.max_level.at_or_below()),
        audience,
    )


def hit_columns() -> tuple[Any, ...]:
    """The columns every search result and citation is built from (one list, so they cannot drift)."""
    return (
        KnowledgeChunk.document_id,
        KnowledgeChunk.id,
        KnowledgeDocument.title,
        KnowledgeChunk.section,
        KnowledgeChunk.page_start,
        KnowledgeChunk.page_end,
        KnowledgeChunk.text,
        KnowledgeDocument.data_level,
    )


def _fts5_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _fts_match(terms: Sequence[str]) -> ColumnElement[bool]:
    name: ColumnElement[Any] = literal_column(FTS_TABLE.name)
    return name.op("MATCH")(" OR ".join(_fts5_phrase(term) for term in terms))


def _sqlite_query(terms: Sequence[str], reader: Reader, limit: int, candidates: int | None) -> Select[Any]:
    """Rank inside FTS5 (optionally only the best ``candidates``), then join, filter and keep ``limit``."""
    bm25 = func.bm25(literal_column(FTS_TABLE.name))
    ranked = (
        select(FTS_TABLE.c.rowid.label("chunk_id"), bm25.label("bm25"))
        .where(_fts_match(terms))
        .order_by(bm25)
        .limit(candidates)
        .subquery("ranked")
    )
    return (
        select(*hit_columns(), (-ranked.c.bm25).label("score"))
        .select_from(ranked)
        .join(KnowledgeChunk, KnowledgeChunk.id == ranked.c.chunk_id)
        .join(KnowledgeDocument, KnowledgeDocument.id == KnowledgeChunk.document_id)
        .where(readable_by(reader))
        .order_by(ranked.c.bm25)
        .limit(limit)
    )


def _sqlite_rows(session: Session, terms: Sequence[str], reader: Reader, limit: int) -> list[Any]:
    candidates = limit * CANDIDATES_PER_RESULT
    rows = list(session.execute(_sqlite_query(terms, reader, limit, candidates)))
    if len(rows) < limit:  # the reader may read few of the best candidates: rank every match instead
        rows = list(session.execute(_sqlite_query(terms, reader, limit, None)))
    return rows


def _postgres_rows(session: Session, terms: Sequence[str], reader: Reader, limit: int) -> list[Any]:
    return list(session.execute(_postgres_query(terms, reader, limit)))


def _postgres_query(terms: Sequence[str], reader: Reader, limit: int) -> Select[Any]:
    parts: list[ColumnElement[Any]] = [
        func.plainto_tsquery(literal_column("'simple'"), term) for term in terms
    ]
    query = reduce(lambda left, right: left.op("||")(right), parts)
    tsv: ColumnElement[Any] = literal_column("kb_chunks.tsv")
    rank = func.ts_rank_cd(tsv, query)
    return (
        select(*hit_columns(), rank.label("score"))
        .select_from(KnowledgeChunk)
        .join(KnowledgeDocument, KnowledgeDocument.id == KnowledgeChunk.document_id)
        .where(tsv.op("@@")(query), readable_by(reader))
        .order_by(rank.desc(), KnowledgeChunk.id)
        .limit(limit)
    )


def prune_terms(
    terms: Sequence[str], frequencies: dict[str, int], budget: int = POSTINGS_BUDGET
) -> list[str]:
    """Terms present in the index, rarest first, within ``budget`` postings; all of them if they fit."""
    present = sorted(
        (term for term in terms if frequencies.get(term, 0) > 0), key=lambda term: frequencies[term]
    )
    if sum(frequencies[term] for term in present) <= budget:
        return present
    kept: list[str] = []
    total = 0
    for term in present:
        if kept and total + frequencies[term] > budget:
            break
        kept.append(term)
        total += frequencies[term]
    return kept


def _capped_frequency(session: Session, term: str) -> int:
    """Chunks containing ``term``, counting no further than just past the budget."""
    matches: Select[Any] = (
        select(literal_column("1"))
        .select_from(FTS_TABLE)
        .where(_fts_match([term]))
        .limit(POSTINGS_BUDGET + 1)
    )
    return int(session.scalar(select(func.count()).select_from(matches.subquery())) or 0)


def _sqlite_terms(session: Session, terms: Sequence[str]) -> list[str]:
    return prune_terms(terms, {term: _capped_frequency(session, term) for term in terms})


def _all_terms(session: Session, terms: Sequence[str]) -> list[str]:
    return list(terms)


TERM_SELECTORS: dict[str, Callable[[Session, Sequence[str]], list[str]]] = {
    "sqlite": _sqlite_terms,
    "postgresql": _all_terms,
}
ROW_FETCHERS: dict[str, Callable[[Session, Sequence[str], Reader, int], list[Any]]] = {
    "sqlite": _sqlite_rows,
    "postgresql": _postgres_rows,
}


def search(
    session: Session, reader: Reader, query: str, *, limit: int = 10, analyzer: Analyzer = DEFAULT_ANALYZER
) -> list[SearchHit]:
    """The best ``limit`` passages for ``query`` among those ``reader`` may read, best first."""
    terms = analyzer.query_terms(query)[:MAX_QUERY_TERMS]
    if not terms or limit <= 0:
        return []
    dialect = session.get_bind().dialect.name
    terms = TERM_SELECTORS[dialect](session, terms)
    if not terms:
        return []
    rows = ROW_FETCHERS[dialect](session, terms, reader, limit)
    return [
        SearchHit(
            document_id=row[0],
            chunk_id=row[1],
            title=row[2],
            section=row[3],
            page_start=row[4],
            page_end=row[5],
            text=row[6],
            data_level=DataLevel(row[7]),
            score=float(row[8]),
        )
        for row in rows
    ]


def readable_chunks(session: Session, reader: Reader, chunk_ids: Sequence[int]) -> list[KnowledgeChunk]:
    """Resolve cited chunk ids, silently dropping any the reader may not read (citations obey rights too)."""
    if not chunk_ids:
        return []
    statement = (
        select(KnowledgeChunk)
        .join(KnowledgeDocument, KnowledgeDocument.id == KnowledgeChunk.document_id)
        .where(KnowledgeChunk.id.in_(list(chunk_ids)), readable_by(reader))
        .order_by(KnowledgeChunk.id)
    )
    return list(session.scalars(statement))
