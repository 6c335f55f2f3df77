"""``python -m bench.knowledge``: retrieval quality, index scale and ingestion speed of the knowledge base.

1. Quality — 78 questions over 39 gold passages (``qa.py``) hidden among ~960 distractor chunks that share
   their vocabulary: recall@1/5/10 and MRR@10 for whitespace BM25 (eojeol terms, same FTS5 engine) against
   the shipped Korean analyzer, plus the part-of-speech variants that decided ``KEEP_TAGS``.
2. Scale — build an SQLite index of 1,000 and 100,000 chunks: build time, database size, query latency
   p50/p95 of ``search()`` end to end (query analysis, FTS5 BM25, access filter), and recall@5 at that size.
3. Ingestion — one 1,000-page text document through ``ingest_bytes`` (parse, chunk, Kiwi, store).

Every database is a fresh SQLite file in a temporary folder; nothing outside it is touched.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import mokmin.core.models  # noqa: F401 - tables the knowledge tables reference
from bench.knowledge.analyzers import VARIANTS, MorphemeCache, TagSetAnalyzer
from bench.knowledge.corpus import pages_text, sections, sentence
from bench.knowledge.qa import PASSAGES
from mokmin.core.db import Base, make_engine
from mokmin.core.models import Department, Institution, User
from mokmin.knowledge import Analyzer, Audience, KnowledgeChunk, Ownership, Reader, WhitespaceAnalyzer, search
from mokmin.knowledge.index import index_document, ingest_bytes
from mokmin.knowledge.ingest.base import DocumentFormat, ParsedDocument, heading, paragraph
from mokmin.knowledge.tokenize import kiwi

KS = (1, 5, 10)
DISTRACTORS = 961  # with the 39 gold passages: a 1,000-chunk corpus


@dataclass
class Setup:
    engine: Engine
    ownership: Ownership
    reader: Reader
    path: Path


def fresh_database(folder: Path, name: str) -> Setup:
    path = folder / f"{name}.db"
    engine = make_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        city = Institution(code="hanbit", name="한빛시")
        session.add(city)
        session.flush()
        department = Department(institution_id=city.id, name="시민소통과")
        session.add(department)
        session.flush()
        user = User(username="bench", display_name="벤치", department_id=department.id)
        session.add(user)
        session.commit()
        ownership = Ownership(city.id, department.id, audience=Audience.INSTITUTION)
        reader = Reader(user.id, department.id, city.id)
    return Setup(engine, ownership, reader, path)


def _store(session: Session, setup: Setup, key: str, parsed: ParsedDocument, analyzer: Analyzer) -> int:
    digest = hashlib.sha256(f"{key}\n{parsed.text}".encode()).hexdigest()
    result = index_document(
        session,
        parsed,
        setup.ownership,
        sha256=digest,
        filename=f"{key}.txt",
        size_bytes=0,
        analyzer=analyzer,
    )
    return result.document_id


def index_gold(session: Session, setup: Setup, analyzer: Analyzer) -> dict[str, int]:
    """Each gold passage as its own document; returns passage key -> its (single) chunk id."""
    gold: dict[str, int] = {}
    for passage in PASSAGES:
        heads = passage.section.split(" > ")
        blocks = [heading(text, level) for level, text in enumerate(heads, start=1)]
        parsed = ParsedDocument(passage.title, DocumentFormat.TEXT, [*blocks, paragraph(passage.text)])
        document_id = _store(session, setup, passage.key, parsed, analyzer)
        gold[passage.key] = session.scalars(
            select(KnowledgeChunk.id).where(KnowledgeChunk.document_id == document_id)
        ).one()
    return gold


def index_distractors(
    session: Session, setup: Setup, analyzer: Analyzer, chunks: int, rng: random.Random,
    pool: list[str] | None = None, per_document: int = 10,
) -> None:  # fmt: skip
    for number in range(0, chunks, per_document):
        count = min(per_document, chunks - number)
        blocks = [
            b for title, text in sections(rng, count, pool) for b in (heading(title, 1), paragraph(text))
        ]
        parsed = ParsedDocument(f"한빛시 업무 자료 {number // per_document + 1}", DocumentFormat.TEXT, blocks)
        _store(session, setup, f"distractor-{number}", parsed, analyzer)


def evaluate(session: Session, reader: Reader, analyzer: Analyzer, gold: dict[str, int]) -> dict[str, float]:
    hits_at = dict.fromkeys(KS, 0)
    reciprocal = 0.0
    questions = [(q, gold[p.key]) for p in PASSAGES for q in p.questions]
    for question, target in questions:
        ranked = [hit.chunk_id for hit in search(session, reader, question, limit=10, analyzer=analyzer)]
        for k in KS:
            hits_at[k] += target in ranked[:k]
        reciprocal += 1 / (ranked.index(target) + 1) if target in ranked else 0.0
    total = len(questions)
    return {
        **{f"recall@{k}": hits_at[k] / total for k in KS},
        "mrr@10": reciprocal / total,
        "questions": total,
    }


def quality(folder: Path, distractors: int) -> dict[str, dict[str, float]]:
    cache = MorphemeCache()
    analyzers: dict[str, Analyzer] = {"whitespace BM25 (baseline)": WhitespaceAnalyzer()}
    for name, (tags, stops) in VARIANTS.items():
        analyzers[name] = TagSetAnalyzer(name, cache, tags, stops)
    results: dict[str, dict[str, float]] = {}
    for index, (name, analyzer) in enumerate(analyzers.items()):
        setup = fresh_database(folder, f"quality-{index}")
        with Session(setup.engine) as session:
            gold = index_gold(session, setup, analyzer)
            index_distractors(session, setup, analyzer, distractors, random.Random(7))
            session.commit()
            results[name] = evaluate(session, setup.reader, analyzer, gold)
        setup.engine.dispose()
    return results


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def scale(folder: Path, chunks: int, rounds: int = 3) -> dict[str, float]:
    """Build an index of ``chunks`` chunks (gold passages included) and time queries against it."""
    rng = random.Random(11)
    pool = [sentence(rng) for _ in range(4000)]
    cache = MorphemeCache(by_sentence=True)
    analyzer = TagSetAnalyzer("shipped", cache)
    analyzer.index_terms_many(pool)  # analyse the sentence pool first: build time then measures the index
    setup = fresh_database(folder, f"scale-{chunks}")
    started = time.perf_counter()
    with Session(setup.engine) as session:
        gold = index_gold(session, setup, analyzer)
        index_distractors(session, setup, analyzer, chunks - len(gold), rng, pool, per_document=100)
        session.commit()
    build_s = time.perf_counter() - started
    setup.engine.dispose()  # the last connection to close checkpoints the WAL into the database file
    size = setup.path.stat().st_size
    setup.engine = make_engine(f"sqlite:///{setup.path}")
    latencies: list[float] = []
    questions = [q for p in PASSAGES for q in p.questions]
    with Session(setup.engine) as session:
        search(session, setup.reader, questions[0])  # warm the page cache
        for _ in range(rounds):
            for question in questions:
                begin = time.perf_counter()
                search(session, setup.reader, question, limit=10)
                latencies.append((time.perf_counter() - begin) * 1000)
        recall5 = evaluate(session, setup.reader, analyzer, gold)["recall@5"]
    setup.engine.dispose()
    return {
        "chunks": chunks, "build_s": build_s, "db_mb": size / 1e6, "p50_ms": statistics.median(latencies),
        "p95_ms": _percentile(latencies, 0.95), "queries": len(latencies), "recall@5": recall5,
    }  # fmt: skip


def ingestion(folder: Path, pages: int) -> dict[str, float]:
    text = pages_text(random.Random(5), pages).encode()
    setup = fresh_database(folder, "ingest")
    started = time.perf_counter()
    with Session(setup.engine) as session:
        result = ingest_bytes(session, text, "보고서.txt", setup.ownership)
        session.commit()
    seconds = time.perf_counter() - started
    setup.engine.dispose()
    return {
        "pages": pages, "chars": len(text.decode()), "seconds": seconds, "pages_per_s": pages / seconds,
        "chunks": result.chunk_count,
    }  # fmt: skip


def _table(rows: Iterable[tuple[str, dict[str, Any]]], columns: list[str]) -> str:
    lines = ["| | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for name, values in rows:
        cells = [f"{values[c]:.3f}" if isinstance(values[c], float) else str(values[c]) for c in columns]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _timed(label: str, run: Callable[[], Any]) -> Any:
    print(f"… {label}", flush=True)
    return run()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.knowledge", description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=int, default=100_000, help="chunks in the large index (0 skips it)")
    parser.add_argument("--pages", type=int, default=1000, help="pages in the ingestion document")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    args = parser.parse_args()
    kiwi().tokenize("준비")  # load the model outside every timing
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="mokmin-bench-") as tmp:
        folder = Path(tmp)
        report["quality"] = _timed("retrieval quality", lambda: quality(folder, DISTRACTORS))
        sizes = [1000] + ([args.large] if args.large else [])
        report["scale"] = [_timed(f"index of {n} chunks", partial(scale, folder, n)) for n in sizes]
        report["ingestion"] = _timed(
            f"ingestion of {args.pages} pages", lambda: ingestion(folder, args.pages)
        )
    quality_rows = list(report["quality"].items())
    print("\n## Retrieval quality (78 questions, 39 gold passages + 961 distractor chunks)\n")
    print(_table(quality_rows, ["recall@1", "recall@5", "recall@10", "mrr@10"]))
    base = report["quality"]["whitespace BM25 (baseline)"]["recall@5"]
    shipped = report["quality"]["nouns + verb/adjective stems (shipped)"]["recall@5"]
    print(f"\nKorean-aware minus whitespace, recall@5: {100 * (shipped - base):+.1f} points (target ≥ +10)")
    print("\n## SQLite index at scale\n")
    print(_table([(f"{s['chunks']:,} chunks", s) for s in report["scale"]],
                 ["build_s", "db_mb", "p50_ms", "p95_ms", "queries", "recall@5"]))  # fmt: skip
    print("\n## Ingestion\n")
    print(
        _table(
            [("text document", report["ingestion"])], ["pages", "chars", "chunks", "seconds", "pages_per_s"]
        )
    )
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
