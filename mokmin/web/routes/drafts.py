"""The drafting studio's pages: my drafts, a studio per document type, review, history and downloads.

Thin HTTP over :mod:`mokmin.drafting.service`. Generation streams: the facts are checked and the draft row is
committed first, then the model writes in a worker thread while the page reads NDJSON lines (one per chunk)
through ``fetch()``; the finished draft is stored in its own short transaction, so no database transaction
waits on a model. Every page also works without JavaScript (the same forms post and redirect).
"""

from __future__ import annotations

import contextlib
import inspect
import json
import logging
import math
from collections.abc import Callable
from datetime import UTC
from typing import Annotated, Any
from urllib.parse import quote

import anyio
import anyio.from_thread
import anyio.to_thread
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session, sessionmaker

from mokmin.core.db import transaction
from mokmin.core.errors import MokminError
from mokmin.core.i18n import Language, translate
from mokmin.core.levels import DataLevel
from mokmin.core.models import Role, User
from mokmin.drafting import service
from mokmin.drafting.composing import LENGTHS, TONES, GenerationPlan, compose
from mokmin.drafting.doctypes import DOC_TYPES, DocType, get_doc_type
from mokmin.drafting.errors import FactsInvalid
from mokmin.drafting.form import FactsForm, build_form, facts_from_form
from mokmin.drafting.models import DraftRecord
from mokmin.drafting.render import default_writer
from mokmin.drafting.writers import WriteSection, with_level
from mokmin.web.deps import CSRF, DB, CurrentUser, Lang, language
from mokmin.web.rendering import render
from mokmin.web.routes.drafts_sources import search_sources, studio_extras

router = APIRouter(prefix="/drafts", tags=["drafting"])
log = logging.getLogger("mokmin.drafting")
NDJSON = "application/x-ndjson"


async def _posted(request: Request) -> dict[str, str]:
    """The posted form as plain strings (the facts inputs are dynamic, so they are read by name)."""
    form = await request.form()
    return {key: value for key, value in form.multi_items() if isinstance(value, str)}


Posted = Annotated[dict[str, str], Depends(_posted)]


def _wants_stream(request: Request) -> bool:
    return NDJSON in request.headers.get("accept", "")


def section_writer(
    request: Request, user: User, doc_type: str, level: DataLevel = DataLevel.OPEN
) -> WriteSection:
    """The writer for this user and document type: the governed gateway when the app provides one, carrying
    the draft's data level (raised by its attached sources)."""
    factory = getattr(request.app.state, "section_writer", None)
    if factory is None:
        return default_writer()
    if "level" in inspect.signature(factory).parameters:
        writer: WriteSection = factory(user, None, doc_type, level=level)
    else:
        writer = factory(user, None, doc_type)
    return with_level(writer, level)


# --- pages ------------------------------------------------------------------------------------------------


@router.get("")
def list_drafts(request: Request, db: DB, user: CurrentUser, lang: Lang) -> Response:
    context = {
        "doc_types": list(DOC_TYPES.values()),
        "types": {key: kind.name_en if lang == "en" else kind.name_ko for key, kind in DOC_TYPES.items()},
        "mine": service.my_drafts(db, user),
        "awaiting": service.awaiting_review(db, user),
        "reviewer": user.role in (Role.ADMIN, Role.DEPARTMENT_HEAD),
    }
    return render(request, "drafts_list.html", context)


def _defaults(user: User, kind: type[DocType]) -> dict[str, Any]:
    """Prefill what the system knows: the user's institution and department."""
    fields = kind.facts_model.model_fields
    values: dict[str, Any] = {}
    if user.department is not None:
        if "organisation" in fields:
            values["organisation"] = user.department.institution.name
        if "department" in fields:
            values["department"] = user.department.name
    return values


def _studio(
    request: Request,
    db: Session,
    user: User,
    kind: type[DocType],
    draft: DraftRecord | None,
    form: FactsForm,
    *,
    status: int = 200,
    options: dict[str, str] | None = None,
    search: dict[str, Any] | None = None,
) -> Response:
    context: dict[str, Any] = {
        "kind": kind,
        "draft": draft,
        "form": form,
        "tones": TONES,
        "lengths": LENGTHS,
        "options": options or {},
        "content": None,
        "editable": draft is None,
    }
    if draft is not None:
        context |= _draft_context(db, user, draft) | studio_extras(user, draft, search, language(request))
        context["options"] = options or {"tone": draft.tone, "length": draft.length, "notes": draft.notes}
    return render(request, "drafts_studio.html", context, status_code=status)


def _draft_context(db: Session, user: User, draft: DraftRecord) -> dict[str, Any]:
    latest = service.current(db, draft)
    context: dict[str, Any] = {
        "editable": service.can_edit(user, draft),
        "can_review": service.can_review(user, draft) and draft.status.value == "submitted",
        "is_owner": draft.owner_id == user.id,
        "versions": service.versions(db, draft),
        "reviews": service.reviews(db, draft),
    }
    if latest is not None:
        version, content = latest
        report = service.check(draft, content)
        titles = {s.key: s for s in get_doc_type(draft.doc_type).sections}
        context |= {"version": version, "content": content, "report": report, "prose_titles": titles}
    return context


@router.get("/new/{doc_type}")
def new_draft(request: Request, db: DB, user: CurrentUser, lang: Lang, doc_type: str) -> Response:
    kind = get_doc_type(doc_type)
    form = build_form(kind, _defaults(user, kind), english=lang == "en")
    return _studio(request, db, user, kind, None, form)


@router.get("/{draft_id}")
def show_draft(
    request: Request, db: DB, user: CurrentUser, lang: Lang, draft_id: int, q: str = ""
) -> Response:
    draft = service.get_for_view(db, user, draft_id)
    kind = get_doc_type(draft.doc_type)
    search = search_sources(request, db, user, draft, q) if q.strip() else None
    form = build_form(kind, draft.facts, english=lang == "en")
    return _studio(request, db, user, kind, draft, form, search=search)


# --- generation -------------------------------------------------------------------------------------------


def _options(posted: dict[str, str]) -> dict[str, str]:
    return {
        "tone": posted.get("tone", "formal"),
        "length": posted.get("length", "normal"),
        "notes": posted.get("notes", "")[:5000],
    }


def _refused(
    request: Request,
    db: Session,
    user: User,
    kind: type[DocType],
    draft: DraftRecord | None,
    facts: dict[str, Any],
    exc: FactsInvalid,
    lang: Language,
    options: dict[str, str],
) -> Response:
    """Impossible facts: the form again, each problem beside its input (JSON for the page's script)."""
    form = build_form(kind, facts, exc.problems, english=lang == "en")
    if _wants_stream(request):
        fields = [{"id": item.dom_id, "message": item.error} for item in _all_inputs(form) if item.error]
        summary = [{"id": dom_id, "text": text} for dom_id, text in form.summary]
        body = {"error": exc.localized(lang), "fields": fields, "summary": summary}
        return JSONResponse(body, status_code=exc.status)
    return _studio(request, db, user, kind, draft, form, status=exc.status, options=options)


def _all_inputs(form: FactsForm) -> list[Any]:
    found: list[Any] = []
    for item in form.items:
        found.append(item)
        for row in getattr(item, "rows", []):
            found.extend(row)
    return found


@router.post("/new/{doc_type}", dependencies=[CSRF])
def create_draft(
    request: Request, db: DB, user: CurrentUser, lang: Lang, doc_type: str, posted: Posted
) -> Response:
    kind = get_doc_type(doc_type)
    facts = facts_from_form(kind, posted)
    options = _options(posted)
    try:
        draft = service.create_draft(db, user, kind.key, facts, **options)
    except FactsInvalid as exc:
        return _refused(request, db, user, kind, None, facts, exc, lang, options)
    return _generate(request, db, user, lang, draft)


@router.post("/{draft_id}/generate", dependencies=[CSRF])
def regenerate_draft(
    request: Request, db: DB, user: CurrentUser, lang: Lang, draft_id: int, posted: Posted
) -> Response:
    draft = service.get_for_view(db, user, draft_id)
    kind = get_doc_type(draft.doc_type)
    facts = facts_from_form(kind, posted)
    options = _options(posted)
    try:
        service.update_facts(db, user, draft.id, facts, **options)
    except FactsInvalid as exc:
        return _refused(request, db, user, kind, draft, facts, exc, lang, options)
    return _generate(request, db, user, lang, draft)


def _generate(request: Request, db: Session, user: User, lang: Language, draft: DraftRecord) -> Response:
    plan = service.plan_generation(db, user, draft.id)
    writer = section_writer(request, user, draft.doc_type, plan.level)
    if not _wants_stream(request):
        # Without JavaScript: write now and show the result (the page waits for the whole draft).
        db.commit()  # end the read snapshot before the model call, which records its usage on its own
        service.record_generation(db, user, draft.id, compose(plan, writer))
        return RedirectResponse(f"/drafts/{draft.id}", status_code=303)
    kind = get_doc_type(draft.doc_type)
    english = draft.language == "en"
    sections = [{"key": s.key, "title": s.title_en if english else s.title_ko} for s in kind.sections]
    first = {"type": "start", "draft": draft.id, "sections": sections}
    return EventStream(first, _generation_job(request.app.state.sessionmaker, user.id, plan, writer, lang))


def _line(item: dict[str, Any]) -> bytes:
    return (json.dumps(item, ensure_ascii=False) + "\n").encode()


Event = dict[str, Any]
Emit = Callable[[Event], None]


class EventStream(StreamingResponse):
    """NDJSON events from a blocking job run in an anyio worker thread.

    The job must run in an anyio thread (not a bare ``threading.Thread``) because a governed section writer
    reaches the event loop through ``anyio.from_thread``. The task group lives in ``__call__`` rather than in
    an async generator, so a closed tab cancels cleanly; the job itself is never abandoned (anyio waits for
    the thread), so a draft whose reader went away is still saved.
    """

    def __init__(self, first: Event, job: Callable[[Emit], Event]) -> None:
        super().__init__(iter(()), media_type=NDJSON, headers={"cache-control": "no-store"})
        self.first = first
        self.job = job

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        sender, events = anyio.create_memory_object_stream[Event](max_buffer_size=math.inf)

        def emit(event: Event) -> None:
            with contextlib.suppress(anyio.BrokenResourceError, anyio.ClosedResourceError):
                anyio.from_thread.run_sync(sender.send_nowait, event)

        async def produce() -> None:
            async with sender:
                final = await anyio.to_thread.run_sync(self.job, emit)
                with contextlib.suppress(anyio.BrokenResourceError, anyio.ClosedResourceError):
                    sender.send_nowait(final)

        async with anyio.create_task_group() as group:
            group.start_soon(produce)
            async with events:
                await send({"type": "http.response.body", "body": _line(self.first), "more_body": True})
                async for event in events:
                    await send({"type": "http.response.body", "body": _line(event), "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


def _generation_job(
    factory: sessionmaker[Session], user_id: int, plan: GenerationPlan, writer: WriteSection, lang: Language
) -> Callable[[Emit], Event]:
    """Write the draft (chunks go to *emit*), store it in its own transaction, and say how it ended."""

    def job(emit: Emit) -> Event:
        def on_chunk(section: str, text: str) -> None:
            emit({"type": "chunk", "section": section, "text": text})

        try:
            content = compose(plan, writer, on_chunk=on_chunk)
            with transaction(factory) as db:
                user = db.get(User, user_id)
                if user is None:
                    raise MokminError("auth.required", 401)
                number = service.record_generation(db, user, plan.draft_id, content).number
        except MokminError as exc:
            return {"type": "error", "message": exc.localized(lang)}
        except Exception as exc:  # the page must hear about any failure; the log gets only its type
            log.error("draft generation failed draft=%s type=%s", plan.draft_id, type(exc).__name__)
            return {"type": "error", "message": translate("drafting.error.stream", lang)}
        url = f"/drafts/{plan.draft_id}"
        return {"type": "done", "draft": plan.draft_id, "version": number, "url": url}

    return job


# --- editing ----------------------------------------------------------------------------------------------


def _section_texts(posted: dict[str, str]) -> dict[str, str]:
    return {
        key.removeprefix("section."): value for key, value in posted.items() if key.startswith("section.")
    }


@router.post("/{draft_id}/save", dependencies=[CSRF])
def save_draft(db: DB, user: CurrentUser, draft_id: int, posted: Posted) -> Response:
    service.save_sections(db, user, draft_id, _section_texts(posted), note=posted.get("note", ""))
    return RedirectResponse(f"/drafts/{draft_id}?saved=1", status_code=303)


class AutosaveIn(BaseModel):
    """What the page sends every few seconds while the clerk types."""

    sections: dict[str, Annotated[str, Field(max_length=20000)]] = Field(max_length=20)


class AutosaveOut(BaseModel):
    version: int
    saved_at: str


@router.post("/{draft_id}/autosave", dependencies=[CSRF])
def autosave(db: DB, user: CurrentUser, draft_id: int, body: AutosaveIn) -> AutosaveOut:
    version = service.save_sections(db, user, draft_id, body.sections, autosave=True)
    saved_at = version.updated_at
    if saved_at.tzinfo is None:  # SQLite hands back naive UTC
        saved_at = saved_at.replace(tzinfo=UTC)
    return AutosaveOut(version=version.number, saved_at=saved_at.isoformat(timespec="seconds"))


@router.post("/{draft_id}/regenerate", dependencies=[CSRF])
def regenerate_section(
    request: Request,
    db: DB,
    user: CurrentUser,
    draft_id: int,
    section: Annotated[str, Form(max_length=64)],
    instruction: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    draft = service.get_for_view(db, user, draft_id)
    plan = service.prepare_regeneration(db, user, draft_id, section, instruction)
    writer = section_writer(request, user, draft.doc_type, plan.level)
    db.commit()  # end the read snapshot: the model call records usage and audit in transactions of its own
    fresh = service.rewrite_section(plan, writer)
    service.record_regeneration(db, user, draft_id, plan, fresh)
    return RedirectResponse(f"/drafts/{draft_id}?regenerated=1#sec-{quote(section)}", status_code=303)


# --- review -----------------------------------------------------------------------------------------------

Comment = Annotated[str, Form(max_length=2000)]


@router.post("/{draft_id}/submit", dependencies=[CSRF])
def submit(db: DB, user: CurrentUser, draft_id: int, comment: Comment = "") -> Response:
    service.submit(db, user, draft_id, comment)
    return RedirectResponse(f"/drafts/{draft_id}?reviewed=submitted", status_code=303)


@router.post("/{draft_id}/approve", dependencies=[CSRF])
def approve(db: DB, user: CurrentUser, draft_id: int, comment: Comment = "") -> Response:
    service.approve(db, user, draft_id, comment)
    return RedirectResponse(f"/drafts/{draft_id}?reviewed=approved", status_code=303)


@router.post("/{draft_id}/return", dependencies=[CSRF])
def return_draft(db: DB, user: CurrentUser, draft_id: int, comment: Comment = "") -> Response:
    service.return_draft(db, user, draft_id, comment)
    return RedirectResponse(f"/drafts/{draft_id}?reviewed=returned", status_code=303)


# --- history and export -----------------------------------------------------------------------------------


@router.get("/{draft_id}/diff")
def diff(request: Request, db: DB, user: CurrentUser, draft_id: int, old: int, new: int) -> Response:
    draft = service.get_for_view(db, user, draft_id)
    lines = service.diff(db, user, draft_id, old, new)
    context = {
        "draft": draft,
        "lines": lines,
        "old": old,
        "new": new,
        "versions": service.versions(db, draft),
        "kind": get_doc_type(draft.doc_type),
    }
    return render(request, "drafts_diff.html", context)


@router.get("/{draft_id}/export/{fmt}")
def export(db: DB, user: CurrentUser, draft_id: int, fmt: str) -> Response:
    file = service.export_draft(db, user, draft_id, fmt)
    disposition = f"attachment; filename=\"{file.filename}\"; filename*=UTF-8''{quote(file.filename)}"
    return Response(file.content, media_type=file.media_type, headers={"content-disposition": disposition})
