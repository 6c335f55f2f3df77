"""The knowledge base JSON API under ``/api/kb``: upload, job status and retry, documents, search, ask.

Authenticated by the web session (with the CSRF header on writes, as the pages' scripts send it) or by a
personal API key (``Authorization: Bearer mk-…``, no CSRF: a key is not sent by browsers on their own).
"""

from __future__ import annotations

from typing import Annotated, Literal

import anyio
from fastapi import APIRouter, Depends, File, Form, Header, Query, Request, UploadFile
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from mokmin.core import auth
from mokmin.core.errors import MokminError, NotAuthenticated
from mokmin.core.levels import DataLevel as GatewayLevel
from mokmin.core.models import User
from mokmin.gateway.service import Gateway
from mokmin.guard import audit
from mokmin.knowledge import jobs as job_records
from mokmin.knowledge import library
from mokmin.knowledge.ask import AskResult, Source, answer, sources_for
from mokmin.knowledge.vectors import caller_for
from mokmin.web.deps import DB, optional_user, verify_csrf
from mokmin.web.routes.knowledge import (
    hit_view,
    in_transaction,
    ownership_for,
    query_vector,
    queue_uploads,
    reader_of,
    retry_job,
    run_search,
)
from mokmin.web.writers import default_model

router = APIRouter(prefix="/api/kb", tags=["knowledge"])


def _bearer(authorization: str | None) -> str | None:
    if authorization and authorization[:7].lower() == "bearer ":
        return authorization[7:].strip()
    return None


def api_user(request: Request, db: DB, authorization: Annotated[str | None, Header()] = None) -> User:
    """The owner of the Bearer key, else the signed-in user of the session cookie."""
    token = _bearer(authorization)
    user = auth.user_for_api_key(db, token) if token is not None else optional_user(request, db)
    if user is None:
        raise NotAuthenticated("auth.required")
    _ = user.institution_id  # loaded now: later steps run after this request's transaction has ended
    return user


async def api_csrf(request: Request, authorization: Annotated[str | None, Header()] = None) -> None:
    """Cookie-authenticated writes must carry the CSRF token; key-authenticated ones need not."""
    if _bearer(authorization) is None:
        await verify_csrf(request)


ApiUser = Annotated[User, Depends(api_user)]
WRITE = [Depends(api_csrf)]


class JobOut(BaseModel):
    id: int
    status: str
    stage: str
    progress: int
    attempts: int
    filename: str
    size_bytes: int
    data_level: str
    document_id: int | None
    version: int | None
    outcome: str | None
    chunk_count: int | None
    vector_count: int | None
    error_code: str | None
    error: str | None
    created_at: str
    finished_at: str | None


class JobsOut(BaseModel):
    jobs: list[JobOut]


class HitOut(BaseModel):
    document_id: int
    chunk_id: int
    score: float
    title: str
    section: str
    reference: str
    data_level: str
    text: str
    url: str


class SearchOut(BaseModel):
    query: str
    results: list[HitOut]


class DocumentOut(BaseModel):
    id: int
    title: str
    department: str
    format: str
    data_level: str
    audience: str
    version: int
    updated_at: str
    url: str


class DocumentsOut(BaseModel):
    documents: list[DocumentOut]


class AskBody(BaseModel):
    question: str = Field(min_length=1, max_length=2000)
    level: Literal["O", "S", "C"] = "O"
    model: str | None = Field(default=None, max_length=200)


class SourceOut(HitOut):
    number: int
    cited: bool


class AskOut(BaseModel):
    answered: bool
    answer: str
    data_level: str
    provider: str | None
    model: str | None
    sources: list[SourceOut]


@router.post("/upload", status_code=202, dependencies=WRITE)
def upload(
    request: Request,
    db: DB,
    user: ApiUser,
    files: Annotated[list[UploadFile], File()],
    level: Annotated[str, Form()] = "O",
    audience: Annotated[str, Form()] = "department",
    readers: Annotated[str, Form(max_length=1000)] = "",
) -> JobsOut:
    """Queue every file as its own job; each succeeds or fails on its own (poll ``/api/kb/jobs``)."""
    ownership = ownership_for(db, user, level, audience, readers)
    created = queue_uploads(request, db, user, ownership, files)
    return JobsOut(jobs=[JobOut(**job_records.job_view(job)) for job in created])


@router.get("/jobs")
def jobs(db: DB, user: ApiUser, ids: Annotated[str | None, Query(max_length=1000)] = None) -> JobsOut:
    """The caller's jobs (``ids=1,2,3`` for some of them), newest first."""
    wanted = [int(part) for part in ids.split(",") if part.strip().isdigit()] if ids else None
    found = job_records.jobs_of(db, user.id, wanted, limit=100 if wanted else 20)
    return JobsOut(jobs=[JobOut(**job_records.job_view(job)) for job in found])


@router.get("/jobs/{job_id}")
def job(db: DB, user: ApiUser, job_id: int) -> JobOut:
    return JobOut(**job_records.job_view(job_records.job_for(db, user, job_id)))


@router.post("/jobs/{job_id}/retry", dependencies=WRITE)
def retry(request: Request, db: DB, user: ApiUser, job_id: int) -> JobOut:
    return JobOut(**job_records.job_view(retry_job(request, db, user, job_id)))


@router.get("/documents")
def documents(db: DB, user: ApiUser) -> DocumentsOut:
    rows = library.documents_for(db, reader_of(user))
    return DocumentsOut(
        documents=[
            DocumentOut(
                id=row.id,
                title=row.title,
                department=row.department,
                format=row.format,
                data_level=row.data_level,
                audience=row.audience,
                version=row.version,
                updated_at=row.updated_at.isoformat(),
                url=f"/knowledge/documents/{row.id}",
            )
            for row in rows
        ]
    )


@router.get("/search")
async def search(
    request: Request,
    db: DB,
    user: ApiUser,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> SearchOut:
    await anyio.to_thread.run_sync(db.commit)
    hits = await run_search(request, user, q, limit)
    return SearchOut(query=q, results=[HitOut(**hit_view(hit)) for hit in hits])


def _sources_out(result: AskResult) -> list[SourceOut]:
    cited = set(result.cited)
    return [
        SourceOut(**hit_view(source.hit), number=source.number, cited=source.number in cited)
        for source in result.sources
    ]


def _record_ask(
    session: Session, user: User, body: AskBody, sources: list[Source], result: AskResult | None, outcome: str
) -> None:
    by_number = {source.number: source.hit.chunk_id for source in sources}
    audit.append(
        session, "knowledge.ask", audit.actor_of(user), target="kb", outcome=outcome,
        data_level=(result.data_level.value if result else None),
        provider=(result.provider if result else None),
        request_digest=audit.text_digest(body.question),
        response_digest=audit.text_digest(result.text) if result else None,
        details={"sources": list(by_number.values()),
                 "cited": [by_number[n] for n in (result.cited if result else [])]},
    )  # fmt: skip


@router.post("/ask", dependencies=WRITE)
async def ask(request: Request, db: DB, user: ApiUser, body: AskBody) -> AskOut:
    """Answer from the documents the caller may read, citing them; says so when nothing relevant is found."""
    await anyio.to_thread.run_sync(db.commit)
    vector = await query_vector(request, user, body.question)
    reader = reader_of(user)
    sources = await in_transaction(
        request, lambda session: sources_for(session, reader, body.question, query_vector=vector)
    )
    gateway: Gateway = request.app.state.gateway
    caller = caller_for(user, user.department_id, user.institution_id)
    try:
        model = body.model
        if sources and model is None:
            model = await anyio.to_thread.run_sync(default_model, gateway, caller)
        result = await answer(
            gateway, caller, body.question, sources, model=model or "-", level=GatewayLevel(body.level)
        )
    except MokminError:
        await in_transaction(request, lambda s: _record_ask(s, user, body, sources, None, "refused"))
        raise
    outcome = "answered" if result.answered else "nothing_found"
    await in_transaction(request, lambda s: _record_ask(s, user, body, sources, result, outcome))
    return AskOut(
        answered=result.answered,
        answer=result.text,
        data_level=result.data_level.value,
        provider=result.provider,
        model=result.model,
        sources=_sources_out(result),
    )
