"""Knowledge-base sources in the drafting studio: search with the author's own rights, attach, remove.

Thin HTTP over :mod:`mokmin.drafting.service` and :mod:`mokmin.drafting.sources`. The search runs from the
studio page itself (``/drafts/{id}?q=…``), so it works without JavaScript; the query is embedded through the
gateway when an embedding model is set up (after the page's read transaction has ended, as on the knowledge
search page), and otherwise searched lexically.
"""

from __future__ import annotations

from typing import Annotated, Any

import anyio.from_thread
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from mokmin.core.i18n import Language, translate
from mokmin.core.models import Role, User
from mokmin.drafting import service, sources
from mokmin.drafting.models import DraftRecord
from mokmin.web.deps import CSRF, DB, CurrentUser
from mokmin.web.routes.knowledge import hit_view, query_vector, reader_of

router = APIRouter(prefix="/drafts", tags=["drafting"])


def search_sources(
    request: Request, db: Session, user: User, draft: DraftRecord, query: str
) -> dict[str, Any]:
    """Search results for the studio's source box (only its author, while the draft can change, searches)."""
    query = query.strip()[:500]
    if not service.can_edit(user, draft):
        return {"query": query, "hits": []}
    db.commit()  # end the read snapshot: embedding the query records usage in a transaction of its own
    vector = anyio.from_thread.run(query_vector, request, user, query)
    hits = sources.search(db, user, reader_of(user), query, vector=vector)
    return {"query": query, "hits": [hit_view(hit) for hit in hits]}


def studio_extras(
    user: User, draft: DraftRecord, search: dict[str, Any] | None, lang: Language
) -> dict[str, Any]:
    """What the studio shows beside a draft: its sources and data level, the search, the letterhead notice."""
    return {
        "sources": list(draft.sources),
        "attached_chunks": {source.chunk_id for source in draft.sources},
        "draft_level": service.data_level(draft).value,
        "source_search": search,
        "max_sources": sources.MAX_SOURCES,
        "letterhead_missing": [
            translate(f"drafting.letterhead.field.{name}", lang) for name in service.letterhead_missing(draft)
        ],
        "is_admin": user.role is Role.ADMIN,
    }


@router.post("/{draft_id}/sources", dependencies=[CSRF])
def attach(db: DB, user: CurrentUser, draft_id: int, chunk_id: Annotated[int, Form(ge=1)]) -> Response:
    service.attach_source(db, user, draft_id, reader_of(user), chunk_id)
    return RedirectResponse(f"/drafts/{draft_id}?sources=attached#sources", status_code=303)


@router.post("/{draft_id}/sources/{source_id}/remove", dependencies=[CSRF])
def remove(db: DB, user: CurrentUser, draft_id: int, source_id: int) -> Response:
    service.detach_source(db, user, draft_id, source_id)
    return RedirectResponse(f"/drafts/{draft_id}?sources=removed#sources", status_code=303)
