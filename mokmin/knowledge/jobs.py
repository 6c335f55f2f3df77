"""Ingestion jobs: a record per uploaded file, and the runner that takes one job id to done or failed.

A job goes queued → running → done | failed, with a stage and a percentage the upload page polls. The runner
is idempotent: it only claims a *queued* job (one conditional UPDATE, so two workers never run the same job),
a file whose content the department already holds finishes at once as "unchanged", and a retried job starts
over from the stored bytes. The parse runs in a confined child process (:mod:`mokmin.knowledge.sandbox`);
the index, the vectors and the "done" mark are written in one transaction, so a failure at any point leaves
no half-indexed document — only the job, marked failed with a reason a clerk can act on.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from mokmin.core.db import transaction, utcnow
from mokmin.core.errors import Conflict, MokminError, NotFound
from mokmin.core.models import Role, User
from mokmin.gateway.routing import Caller
from mokmin.knowledge.chunk import chunk_document
from mokmin.knowledge.errors import FileTooLarge
from mokmin.knowledge.index import IndexOutcome, IndexResult, Ownership, index_document, sha256_of
from mokmin.knowledge.ingest.base import ParsedDocument
from mokmin.knowledge.models import (
    DataLevel,
    DocumentVersion,
    IngestJob,
    JobStatus,
    KnowledgeChunk,
    KnowledgeDocument,
)
from mokmin.knowledge.safety import DEFAULT_LIMITS, Limits, check_size
from mokmin.knowledge.sandbox import MB, parse_isolated
from mokmin.knowledge.tokenize import DEFAULT_ANALYZER, Analyzer
from mokmin.knowledge.vectors import caller_for, store_vectors

log = logging.getLogger("mokmin.knowledge.jobs")

PENDING = (JobStatus.QUEUED, JobStatus.RUNNING)
INTERNAL_ERROR = "문서를 등록하는 중에 시스템 오류가 났습니다. 잠시 뒤 다시 시도해 주세요."


class IngestCrashed(MokminError):
    """Something other than the file went wrong (database, disk, a bug); the job can be retried."""

    status = 500
    code = "internal"


class Embedder(Protocol):
    def embed(
        self, caller: Caller, texts: Sequence[str], level: DataLevel
    ) -> tuple[str, list[list[float]]] | None: ...


def job_view(job: IngestJob) -> dict[str, Any]:
    """What the upload page and the API show of a job (never the file's content)."""
    return {
        "id": job.id,
        "status": job.status.value,
        "stage": job.stage,
        "progress": job.progress,
        "attempts": job.attempts,
        "filename": job.filename,
        "size_bytes": job.size_bytes,
        "data_level": job.data_level.value,
        "document_id": job.document_id,
        "version": job.version,
        "outcome": job.outcome,
        "chunk_count": job.chunk_count,
        "vector_count": job.vector_count,
        "error_code": job.error_code,
        "error": job.error,
        "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def _fail(job: IngestJob, error: MokminError) -> None:
    job.status, job.stage = JobStatus.FAILED, "failed"
    job.error_code = error.code[:64]
    job.error = error.localized("ko")[:1000]
    job.error_detail = error.detail[:1000] or None
    job.finished_at = utcnow()


def create_job(
    session: Session, data: bytes, filename: str, ownership: Ownership, *, limits: Limits = DEFAULT_LIMITS
) -> IngestJob:
    """Record one upload. The same bytes already waiting for the same department return that job instead;
    a file over the size limit is recorded as failed at once, without its bytes."""
    digest = sha256_of(data)
    waiting = session.scalars(
        select(IngestJob).where(
            IngestJob.department_id == ownership.department_id,
            IngestJob.sha256 == digest,
            IngestJob.status.in_(PENDING),
        )
    ).first()
    if waiting is not None:
        return waiting
    job = IngestJob(
        status=JobStatus.QUEUED,
        stage="queued",
        progress=0,
        attempts=0,
        filename=PurePath(filename.replace("\\", "/")).name[:500] or "upload",
        size_bytes=len(data),
        sha256=digest,
        payload=data,
        institution_id=ownership.institution_id,
        department_id=ownership.department_id,
        data_level=ownership.data_level,
        audience=ownership.audience,
        readers=list(ownership.readers),
        uploaded_by=ownership.uploaded_by,
    )
    try:
        check_size(len(data), limits)
    except FileTooLarge as exc:
        job.payload = None
        _fail(job, exc)
    session.add(job)
    session.flush()
    return job


def jobs_of(
    session: Session, user_id: int, ids: Sequence[int] | None = None, limit: int = 20
) -> list[IngestJob]:
    """The user's own jobs, newest first (optionally only ``ids``)."""
    statement = select(IngestJob).where(IngestJob.uploaded_by == user_id)
    if ids is not None:
        statement = statement.where(IngestJob.id.in_(list(ids)))
    return list(session.scalars(statement.order_by(IngestJob.id.desc()).limit(limit)))


def job_for(session: Session, user: User, job_id: int) -> IngestJob:
    """A job its uploader (or an admin) may see; anyone else gets the same 404 as for a missing job."""
    job = session.get(IngestJob, job_id)
    if job is None or (job.uploaded_by != user.id and user.role is not Role.ADMIN):
        raise NotFound("knowledge.job_not_found")
    return job


def reopen(session: Session, job: IngestJob, stale_after: timedelta) -> IngestJob:
    """Put a failed job (or one stuck longer than ``stale_after``) back in the queue; the caller enqueues it."""
    since: datetime = job.started_at or job.created_at
    stuck = job.status in PENDING and utcnow() - since > stale_after
    if job.status is not JobStatus.FAILED and not stuck:
        raise Conflict("knowledge.job_not_retryable")
    if session.scalar(select(IngestJob.payload.is_not(None)).where(IngestJob.id == job.id)) is not True:
        raise Conflict("knowledge.job_no_file")
    job.status, job.stage, job.progress = JobStatus.QUEUED, "queued", 0
    job.error_code = job.error = job.error_detail = None
    job.finished_at = None
    session.flush()
    return job


@dataclass(frozen=True)
class _Work:
    job_id: int
    data: bytes
    filename: str
    sha256: str
    ownership: Ownership
    caller: Caller


class IngestRunner:
    """Takes one job id from queued to done or failed; safe to call twice, from any worker."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        embedder: Embedder | None = None,
        limits: Limits = DEFAULT_LIMITS,
        analyzer: Analyzer = DEFAULT_ANALYZER,
        memory_bytes: int = 1024 * MB,
        timeout_s: float = 150.0,
    ) -> None:
        self.sessions = sessions
        self.embedder = embedder
        self.limits = limits
        self.analyzer = analyzer
        self.memory_bytes = memory_bytes
        self.timeout_s = timeout_s

    def run(self, job_id: int) -> JobStatus | None:
        """Run the job if it is queued; returns its final status, or ``None`` when it was not claimable."""
        work = self._claim(job_id)
        if work is None:
            return None
        try:
            self._ingest(work)
        except MokminError as exc:
            log.info("ingest job %s failed: %s", job_id, exc.code)
            self._mark_failed(job_id, exc)
            return JobStatus.FAILED
        except Exception as exc:
            # Only the type is logged: messages can carry document text, and logs never carry personal data.
            log.error("ingest job %s crashed: %s", job_id, type(exc).__name__)
            self._mark_failed(job_id, IngestCrashed(INTERNAL_ERROR, detail=type(exc).__name__))
            return JobStatus.FAILED
        return JobStatus.DONE

    # -- steps -------------------------------------------------------------------------------------------

    def _claim(self, job_id: int) -> _Work | None:
        with transaction(self.sessions) as session:
            claimed = session.execute(
                update(IngestJob)
                .where(IngestJob.id == job_id, IngestJob.status == JobStatus.QUEUED)
                .values(
                    status=JobStatus.RUNNING,
                    stage="parsing",
                    progress=10,
                    attempts=IngestJob.attempts + 1,
                    started_at=utcnow(),
                )
                .execution_options(synchronize_session=False)
            )
            if getattr(claimed, "rowcount", 0) != 1:
                return None
            job = session.get(IngestJob, job_id, populate_existing=True)
            if job is None or job.payload is None:
                raise NotFound("knowledge.job_no_file")
            ownership = Ownership(
                job.institution_id,
                job.department_id,
                job.data_level,
                job.audience,
                tuple(job.readers or ()),
                job.uploaded_by,
            )
            uploader = session.get(User, job.uploaded_by) if job.uploaded_by else None
            caller = caller_for(uploader, job.department_id, job.institution_id)
            return _Work(job.id, job.payload, job.filename, job.sha256, ownership, caller)

    def _progress(self, job_id: int, stage: str, percent: int) -> None:
        with transaction(self.sessions) as session:
            session.execute(
                update(IngestJob)
                .where(IngestJob.id == job_id, IngestJob.status == JobStatus.RUNNING)
                .values(stage=stage, progress=percent)
                .execution_options(synchronize_session=False)
            )

    def _already_indexed(self, work: _Work) -> IndexResult | None:
        with transaction(self.sessions) as session:
            document = session.scalars(
                select(KnowledgeDocument).where(
                    KnowledgeDocument.department_id == work.ownership.department_id,
                    KnowledgeDocument.sha256 == work.sha256,
                )
            ).first()
            if document is None:
                return None
            chunks = session.scalar(
                select(DocumentVersion.chunk_count).where(
                    DocumentVersion.document_id == document.id, DocumentVersion.number == document.version
                )
            )
            result = IndexResult(document.id, document.version, IndexOutcome.UNCHANGED, chunks or 0)
            self._finish(session, work.job_id, result, None)
            return result

    def _ingest(self, work: _Work) -> None:
        if self._already_indexed(work) is not None:
            return
        parsed = parse_isolated(
            work.data, work.filename, self.limits, memory_bytes=self.memory_bytes, timeout_s=self.timeout_s
        )
        self._progress(work.job_id, "embedding" if self.embedder else "indexing", 40)
        embedded = self._embed(work, parsed)
        self._progress(work.job_id, "indexing", 70)
        with transaction(self.sessions) as session:
            result = index_document(
                session,
                parsed,
                work.ownership,
                sha256=work.sha256,
                filename=work.filename,
                size_bytes=len(work.data),
                analyzer=self.analyzer,
            )
            vectors = 0
            if embedded is not None and result.outcome is not IndexOutcome.UNCHANGED:
                model, by_ordinal = embedded
                rows = session.execute(
                    select(KnowledgeChunk.ordinal, KnowledgeChunk.id).where(
                        KnowledgeChunk.document_id == result.document_id
                    )
                )
                ids = {ordinal: chunk_id for ordinal, chunk_id in rows}
                vectors = store_vectors(
                    session, model, {ids[o]: vector for o, vector in by_ordinal.items() if o in ids}
                )
            self._finish(session, work.job_id, result, vectors)

    def _embed(self, work: _Work, parsed: ParsedDocument) -> tuple[str, dict[int, list[float]]] | None:
        if self.embedder is None:
            return None
        chunks = chunk_document(parsed)
        found = self.embedder.embed(
            work.caller, [f"{c.section}\n{c.text}" for c in chunks], work.ownership.data_level
        )
        if found is None:
            return None
        model, vectors = found
        return model, {chunk.ordinal: vector for chunk, vector in zip(chunks, vectors, strict=False)}

    @staticmethod
    def _finish(session: Session, job_id: int, result: IndexResult, vectors: int | None) -> None:
        job = session.get(IngestJob, job_id, populate_existing=True)
        if job is None:
            raise NotFound("knowledge.job_not_found")
        job.status, job.stage, job.progress = JobStatus.DONE, "done", 100
        job.document_id, job.version, job.outcome = result.document_id, result.version, result.outcome.value
        job.chunk_count, job.vector_count = result.chunk_count, vectors
        job.payload = None
        job.finished_at = utcnow()

    def _mark_failed(self, job_id: int, error: MokminError) -> None:
        try:
            with transaction(self.sessions) as session:
                job = session.get(IngestJob, job_id, populate_existing=True)
                if job is not None:
                    _fail(job, error)
                    job.progress = min(job.progress, 100)
        except Exception as exc:  # the database itself failed: the job stays "running" and can be retried
            log.error("could not mark ingest job %s failed: %s", job_id, type(exc).__name__)
