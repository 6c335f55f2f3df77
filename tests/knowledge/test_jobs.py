"""Ingestion jobs: done or failed with a reason, idempotent, retryable, nothing half-indexed (both backends)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from mokmin.core.errors import Conflict
from mokmin.gateway.routing import Caller
from mokmin.knowledge import jobs
from mokmin.knowledge.errors import BrokenDocument
from mokmin.knowledge.index import Ownership
from mokmin.knowledge.models import (
    ChunkVector,
    DataLevel,
    IngestJob,
    JobStatus,
    KnowledgeChunk,
    KnowledgeDocument,
)
from mokmin.knowledge.safety import Limits
from tests.knowledge.conftest import Org
from tests.knowledge.files import rezip, sample_docx

PLAN = "# 주차장 운영 계획\n\n## 요금 감면\n\n장애인 차량은 주차요금의 50%를 감면한다.\n".encode()


def _ownership(org: Org, level: DataLevel = DataLevel.OPEN) -> Ownership:
    user = org.users["traffic1"]
    return Ownership(org.city.id, org.traffic.id, level, uploaded_by=user.id)


def _queue(db: Session, org: Org, data: bytes, name: str = "plan.md", **kw: object) -> IngestJob:
    job = jobs.create_job(db, data, name, _ownership(org), **kw)  # type: ignore[arg-type]
    db.commit()
    return job


def _runner(session_factory: sessionmaker[Session], **kw: object) -> jobs.IngestRunner:
    return jobs.IngestRunner(session_factory, timeout_s=20, **kw)  # type: ignore[arg-type]


def _fresh(db: Session, job: IngestJob) -> IngestJob:
    db.expire_all()
    found = db.get(IngestJob, job.id)
    assert found is not None
    return found


def _count(db: Session, model: type) -> int:
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


def test_a_job_runs_to_done_and_drops_its_bytes(db, org, session_factory):
    job = _queue(db, org, PLAN)
    assert (job.status, job.progress, job.attempts) == (JobStatus.QUEUED, 0, 0)
    assert _runner(session_factory).run(job.id) is JobStatus.DONE
    done = _fresh(db, job)
    assert (done.status, done.stage, done.progress, done.attempts) == (JobStatus.DONE, "done", 100, 1)
    assert done.outcome == "created" and done.chunk_count and done.vector_count == 0
    assert done.payload is None and done.finished_at is not None
    document = db.get(KnowledgeDocument, done.document_id)
    assert document is not None and document.title == "주차장 운영 계획"


def test_running_a_job_twice_runs_it_once(db, org, session_factory):
    job = _queue(db, org, PLAN)
    runner = _runner(session_factory)
    assert runner.run(job.id) is JobStatus.DONE
    assert runner.run(job.id) is None
    assert _fresh(db, job).attempts == 1 and _count(db, KnowledgeDocument) == 1


def test_same_file_twice_is_one_document_and_a_change_is_a_new_version(db, org, session_factory):
    runner = _runner(session_factory)
    first = _queue(db, org, PLAN)
    runner.run(first.id)
    again = _queue(db, org, PLAN)
    assert again.id != first.id
    runner.run(again.id)
    again = _fresh(db, again)
    assert again.outcome == "unchanged" and again.document_id == _fresh(db, first).document_id
    assert again.chunk_count == _fresh(db, first).chunk_count
    changed = _queue(db, org, PLAN + "화물차는 감면하지 않는다.\n".encode())
    runner.run(changed.id)
    changed = _fresh(db, changed)
    assert (changed.outcome, changed.version, changed.document_id) == ("new_version", 2, again.document_id)
    assert _count(db, KnowledgeDocument) == 1


def test_a_file_already_waiting_is_not_queued_twice(db, org):
    first = _queue(db, org, PLAN)
    assert _queue(db, org, PLAN).id == first.id


def test_hostile_file_fails_alone_with_its_reason_and_leaves_nothing(db, org, session_factory):
    bomb = rezip(sample_docx(), {}, extra={"word/bomb.bin": b"\x00" * (8 * 1024 * 1024)})
    hostile = _queue(db, org, bomb, "계획.docx")
    good = _queue(db, org, PLAN)
    runner = _runner(session_factory)
    assert runner.run(hostile.id) is JobStatus.FAILED
    assert runner.run(good.id) is JobStatus.DONE
    failed = _fresh(db, hostile)
    assert failed.status is JobStatus.FAILED and failed.error_code == "archive_bomb"
    assert failed.error and "압축 폭탄" in failed.error and failed.document_id is None
    assert _count(db, KnowledgeDocument) == 1  # only the good file
    titles = db.scalars(select(KnowledgeDocument.title)).all()
    assert titles == ["주차장 운영 계획"]


def test_oversized_file_fails_at_once_without_storing_it(db, org):
    job = _queue(db, org, PLAN * 10, limits=Limits(max_file_bytes=100))
    assert job.status is JobStatus.FAILED and job.error_code == "file_too_large"
    assert db.scalar(select(IngestJob.payload).where(IngestJob.id == job.id)) is None


def test_failure_while_indexing_leaves_no_half_document(db, org, session_factory, monkeypatch):
    def broken_store(*args: object, **kwargs: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs, "store_vectors", broken_store)
    job = _queue(db, org, PLAN)
    runner = _runner(session_factory, embedder=FixedEmbedder())
    assert runner.run(job.id) is JobStatus.FAILED
    failed = _fresh(db, job)
    assert failed.error_code == "internal" and failed.error_detail == "RuntimeError"
    assert _count(db, KnowledgeDocument) == 0 and _count(db, KnowledgeChunk) == 0


def test_a_failed_job_can_be_retried(db, org, session_factory, monkeypatch):
    def flaky(*args: object, **kwargs: object) -> None:
        raise BrokenDocument(detail="simulated")

    original = jobs.parse_isolated
    monkeypatch.setattr(jobs, "parse_isolated", flaky)
    job = _queue(db, org, PLAN)
    runner = _runner(session_factory)
    assert runner.run(job.id) is JobStatus.FAILED
    monkeypatch.setattr(jobs, "parse_isolated", original)
    failed = _fresh(db, job)
    jobs.reopen(db, failed, timedelta(minutes=5))
    db.commit()
    assert failed.status is JobStatus.QUEUED and failed.error is None
    assert runner.run(job.id) is JobStatus.DONE
    assert _fresh(db, job).attempts == 2


def test_only_failed_or_stalled_jobs_reopen(db, org, session_factory):
    job = _queue(db, org, PLAN)
    with pytest.raises(Conflict):
        jobs.reopen(db, job, timedelta(minutes=5))
    jobs.reopen(db, job, timedelta(seconds=-1))  # queued "for longer than" a negative time: stalled
    _runner(session_factory).run(job.id)
    with pytest.raises(Conflict):
        jobs.reopen(db, _fresh(db, job), timedelta(minutes=5))


class FixedEmbedder:
    """Vectors from text length, to check that vectors land on the right chunks."""

    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.levels: list[DataLevel] = []

    def embed(
        self, caller: Caller, texts: Sequence[str], level: DataLevel
    ) -> tuple[str, list[list[float]]] | None:
        self.levels.append(level)
        if self.refuse:
            return None
        return "fake-embed", [[float(len(text)), 1.0, 0.0] for text in texts]


def test_vectors_are_stored_per_chunk_and_replaced_with_the_version(db, org, session_factory):
    embedder = FixedEmbedder()
    runner = _runner(session_factory, embedder=embedder)
    job = _queue(db, org, PLAN)
    runner.run(job.id)
    assert _fresh(db, job).vector_count == _fresh(db, job).chunk_count == _count(db, ChunkVector)
    assert embedder.levels == [DataLevel.OPEN]
    changed = _queue(db, org, PLAN + "\n## 부칙\n\n이 계획은 공포한 날부터 시행한다.\n".encode())
    runner.run(changed.id)
    chunk_ids = set(db.scalars(select(KnowledgeChunk.id)).all())
    vector_ids = set(db.scalars(select(ChunkVector.chunk_id)).all())
    assert vector_ids == chunk_ids and len(chunk_ids) == _fresh(db, changed).chunk_count


def test_refused_embedding_leaves_the_document_lexical(db, org, session_factory):
    job = _queue(db, org, PLAN)
    _runner(session_factory, embedder=FixedEmbedder(refuse=True)).run(job.id)
    done = _fresh(db, job)
    assert done.status is JobStatus.DONE and done.vector_count == 0 and _count(db, ChunkVector) == 0


def test_job_view_never_carries_the_file(db, org):
    view = jobs.job_view(_queue(db, org, PLAN))
    assert "payload" not in view and PLAN.decode() not in str(view)
    assert view["status"] == "queued" and view["filename"] == "plan.md"


def test_jobs_are_listed_for_their_uploader_only(db, org):
    job = _queue(db, org, PLAN)
    assert [j.id for j in jobs.jobs_of(db, org.users["traffic1"].id)] == [job.id]
    assert jobs.jobs_of(db, org.users["traffic2"].id) == []


JOB_TABLES = {"kb_jobs", "kb_chunk_vectors"}


def test_migration_matches_the_job_models(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from mokmin.core.db import Base

    def only_ours(obj, name, kind, reflected, compare_to):  # type: ignore[no-untyped-def]
        return (name if kind == "table" else obj.table.name) in JOB_TABLES

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": only_ours})
        assert compare_metadata(context, Base.metadata) == []
