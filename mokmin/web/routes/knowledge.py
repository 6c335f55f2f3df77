"""Knowledge base pages: upload with job progress, the document list, a document opened at a passage,
search, and "ask the documents". The JSON API beside them is :mod:`mokmin.web.routes.knowledge_api`.

Every reader is the signed-in user with clearance up to C: what they may read is decided by each document's
audience (institution, department, named users), and the data level decides which models may see it.
Requests that call a model end the request's own database transaction first, so that no database lock is
held while a model answers.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import APIRouter, FastAPI, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from mokmin.core.db import transaction
from mokmin.core.errors import MokminError, ValidationFailed
from mokmin.core.levels import DataLevel as GatewayLevel
from mokmin.core.models import User
from mokmin.gateway.service import Gateway
from mokmin.guard import audit
from mokmin.knowledge import jobs as job_records
from mokmin.knowledge import library
from mokmin.knowledge.ask import source_url
from mokmin.knowledge.index import Ownership
from mokmin.knowledge.models import Audience, DataLevel, IngestJob, JobStatus
from mokmin.knowledge.queue import KnowledgeJobs, start_jobs
from mokmin.knowledge.retrieval import QueryVector, hybrid_search
from mokmin.knowledge.safety import DEFAULT_LIMITS
from mokmin.knowledge.search import Reader, SearchHit
from mokmin.knowledge.settings import knowledge_settings
from mokmin.knowledge.vectors import caller_for, embedding_model, has_vectors
from mokmin.web.deps import CSRF, DB, CurrentUser
from mokmin.web.rendering import render

T = TypeVar("T")
SEARCH_LIMIT = 10
_jobs_lock = threading.Lock()


# -- the job queue of this app ---------------------------------------------------------------------------


def knowledge_jobs(app: FastAPI) -> KnowledgeJobs:
    """This app's queue (and consumer thread, in ``thread`` mode), made on first use."""
    with _jobs_lock:
        jobs: KnowledgeJobs | None = getattr(app.state, "knowledge_jobs", None)
        if jobs is None:
            jobs = start_jobs(app.state.settings, app.state.sessionmaker, knowledge_settings())
            app.state.knowledge_jobs = jobs
        return jobs


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the queue with the server (jobs left from the last run resume), stop its consumer with it."""
    knowledge_jobs(app)
    yield
    jobs: KnowledgeJobs | None = getattr(app.state, "knowledge_jobs", None)
    if jobs is not None:
        await anyio.to_thread.run_sync(jobs.stop)
        app.state.knowledge_jobs = None


router = APIRouter(tags=["knowledge"], lifespan=lifespan)


# -- helpers shared with the API -------------------------------------------------------------------------


def reader_of(user: User) -> Reader:
    return Reader(user.id, user.department_id, user.institution_id, DataLevel.CLASSIFIED)


async def in_transaction(request: Request, work: Callable[[Session], T]) -> T:
    """Run ``work`` in its own short transaction on a worker thread."""

    def run() -> T:
        with transaction(request.app.state.sessionmaker) as session:
            return work(session)

    return await anyio.to_thread.run_sync(run)


def _reader_ids(db: Session, user: User, names: str) -> tuple[int, ...]:
    wanted = [name for name in names.replace(",", " ").split() if name]
    found = {
        u.username: u
        for u in db.scalars(select(User).where(User.username.in_(wanted), User.is_active.is_(True)))
        if u.institution_id == user.institution_id
    }
    missing = [name for name in wanted if name not in found]
    if missing:
        raise ValidationFailed("knowledge.unknown_readers", names=", ".join(missing[:10]))
    return tuple(dict.fromkeys([user.id, *(u.id for u in found.values())]))


def ownership_for(db: Session, user: User, level: str, audience: str, readers: str) -> Ownership:
    """Documents belong to the uploader's department; ``users`` documents are also readable by the uploader."""
    if user.department_id is None or user.institution_id is None:
        raise ValidationFailed("knowledge.no_department")
    try:
        data_level, scope = DataLevel(level), Audience(audience)
    except ValueError as exc:
        raise ValidationFailed("knowledge.bad_choice") from exc
    ids = _reader_ids(db, user, readers) if scope is Audience.USERS else ()
    return Ownership(user.institution_id, user.department_id, data_level, scope, ids, user.id)


def queue_uploads(
    request: Request, db: Session, user: User, ownership: Ownership, files: Sequence[UploadFile]
) -> list[IngestJob]:
    """Record a job per file (audited), commit, then enqueue; runs on a worker thread."""
    if not files:
        raise ValidationFailed("knowledge.no_files")
    created = []
    for upload in files:
        data = upload.file.read(DEFAULT_LIMITS.max_file_bytes + 1)
        job = job_records.create_job(db, data, upload.filename or "upload", ownership)
        audit.append(
            db, "knowledge.upload", audit.actor_of(user), target=f"job:{job.id}",
            outcome="queued" if job.status is JobStatus.QUEUED else job.status.value,
            data_level=ownership.data_level.value, details={"size": job.size_bytes, "sha256": job.sha256},
        )  # fmt: skip
        created.append(job)
    db.commit()
    queue = knowledge_jobs(request.app).queue
    for job in created:
        if job.status is JobStatus.QUEUED:
            queue.enqueue(job.id)
    for job in created:
        db.refresh(job)
    return created


def retry_job(request: Request, db: Session, user: User, job_id: int) -> IngestJob:
    job = job_records.job_for(db, user, job_id)
    stale = timedelta(seconds=knowledge_settings().parse_timeout_s + 60)
    job_records.reopen(db, job, stale)
    audit.append(db, "knowledge.retry", audit.actor_of(user), target=f"job:{job.id}")
    db.commit()
    knowledge_jobs(request.app).queue.enqueue(job.id)
    db.refresh(job)
    return job


async def query_vector(request: Request, user: User, question: str) -> QueryVector | None:
    """The question embedded by the model that embedded the chunks, or ``None`` (lexical search only)."""
    gateway: Gateway = request.app.state.gateway
    caller = caller_for(user, user.department_id, user.institution_id)
    preferred = knowledge_settings().embedding_model
    model = await anyio.to_thread.run_sync(embedding_model, gateway, caller, preferred)
    if model is None or not await in_transaction(request, lambda s: has_vectors(s, model)):
        return None
    try:
        vectors, _ = await gateway.embed(
            caller, model, [question], level=GatewayLevel.OPEN, purpose="kb:query"
        )
    except MokminError:
        return None  # the query may not go to the embedding provider: lexical search still answers
    return QueryVector(model, vectors[0]) if vectors else None


async def run_search(request: Request, user: User, query: str, limit: int) -> list[SearchHit]:
    """Hybrid search as ``user`` with one audit event (the query is kept as a digest only)."""
    vector = await query_vector(request, user, query)
    reader = reader_of(user)

    def work(session: Session) -> list[SearchHit]:
        hits = hybrid_search(session, reader, query, limit=limit, query_vector=vector)
        audit.append(
            session, "knowledge.search", audit.actor_of(user), target="kb",
            request_digest=audit.text_digest(query),
            details={"hits": [hit.chunk_id for hit in hits], "hybrid": vector is not None},
        )  # fmt: skip
        return hits

    return await in_transaction(request, work)


def hit_view(hit: SearchHit) -> dict[str, Any]:
    return {
        "document_id": hit.document_id,
        "chunk_id": hit.chunk_id,
        "score": round(hit.score, 6),
        "title": hit.title,
        "section": hit.section,
        "reference": hit.reference,
        "data_level": hit.data_level.value,
        "text": hit.text,
        "url": source_url(hit.document_id, hit.chunk_id),
    }


# -- pages -----------------------------------------------------------------------------------------------


def _parse_ids(text: str | None) -> list[int]:
    return [int(part) for part in (text or "").split(",") if part.strip().isdigit()][:100]


@router.get("/knowledge")
def index_page(request: Request, db: DB, user: CurrentUser, jobs: str | None = None) -> Response:
    recent = job_records.jobs_of(db, user.id, limit=20)
    context = {
        "jobs": [job_records.job_view(job) for job in recent],
        "highlight": set(_parse_ids(jobs)),
        "documents": library.documents_for(db, reader_of(user)),
        "can_upload": user.department_id is not None,
        "levels": [level.value for level in DataLevel],
        "audiences": [audience.value for audience in Audience],
    }
    return render(request, "knowledge_index.html", context)


@router.post("/knowledge/upload", dependencies=[CSRF])
def upload_page(
    request: Request,
    db: DB,
    user: CurrentUser,
    files: Annotated[list[UploadFile], File()],
    level: Annotated[str, Form()] = "O",
    audience: Annotated[str, Form()] = "department",
    readers: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    ownership = ownership_for(db, user, level, audience, readers)
    created = queue_uploads(request, db, user, ownership, files)
    ids = ",".join(str(job.id) for job in created)
    return RedirectResponse(f"/knowledge?jobs={ids}", status_code=303)


@router.post("/knowledge/jobs/{job_id}/retry", dependencies=[CSRF])
def retry_page(request: Request, db: DB, user: CurrentUser, job_id: int) -> Response:
    job = retry_job(request, db, user, job_id)
    return RedirectResponse(f"/knowledge?jobs={job.id}", status_code=303)


@router.get("/knowledge/documents/{document_id}")
def document_page(
    request: Request, db: DB, user: CurrentUser, document_id: int, chunk: int | None = None
) -> Response:
    document = library.document_for(db, reader_of(user), document_id)
    audit.append(
        db, "knowledge.view", audit.actor_of(user), target=f"document:{document.id}",
        data_level=document.data_level.value, details={"chunk": chunk, "version": document.version},
    )  # fmt: skip
    context = {
        "document": document,
        "passages": library.passages(db, document),
        "versions": library.history(db, document),
        "selected": chunk,
    }
    return render(request, "knowledge_document.html", context)


@router.get("/knowledge/search")
async def search_page(request: Request, db: DB, user: CurrentUser, q: str = "") -> Response:
    query = q.strip()[:500]
    await anyio.to_thread.run_sync(db.commit)
    hits = await run_search(request, user, query, SEARCH_LIMIT) if query else []
    return render(request, "knowledge_search.html", {"query": query, "hits": [hit_view(h) for h in hits]})


@router.get("/knowledge/ask")
def ask_page(request: Request, user: CurrentUser) -> Response:
    gateway: Gateway = request.app.state.gateway
    caller = caller_for(user, user.department_id, user.institution_id)
    models = [model.name for _, model in gateway.models(caller)]
    return render(request, "knowledge_ask.html", {"models": list(dict.fromkeys(models))})
