"""Audit pages: browse and filter the chain, check it, download a signed export, and — with a stated reason
that is itself audited — open the vault behind a pseudonymised model call.

Auditors, privacy officers and admins only. Events never carry raw content (digests and counts); the one
page that shows originals (after a reveal) is marked ``no-store`` so no cache keeps it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response, StreamingResponse

from mokmin.core.db import utcnow
from mokmin.core.errors import MokminError, NotFound
from mokmin.core.models import Role, User
from mokmin.guard import audit, audit_query, vault
from mokmin.guard.models import AuditEvent
from mokmin.web.deps import CSRF, DB, Lang, require_roles
from mokmin.web.rendering import render

router = APIRouter(prefix="/audit", tags=["audit"])
Reader = Annotated[User, Depends(require_roles(Role.AUDITOR, Role.PRIVACY_OFFICER))]
NO_STORE = {"cache-control": "no-store"}


def _secret(request: Request) -> str:
    secret: str = request.app.state.settings.secret_key.get_secret_value()
    return secret


@router.get("")
def audit_index(
    request: Request,
    db: DB,
    user: Reader,
    action: Annotated[str, Query(max_length=64)] = "",
    actor: Annotated[str, Query(max_length=64)] = "",
    outcome: Annotated[str, Query(max_length=32)] = "",
    level: Annotated[str, Query(max_length=1)] = "",
    date_from: Annotated[str, Query(max_length=20)] = "",
    date_to: Annotated[str, Query(max_length=20)] = "",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    """The newest events first, filtered by action, actor, outcome, data level and days (KST)."""
    where = audit_query.EventFilter.parse(action, actor, outcome, level, date_from, date_to)
    result = audit_query.search(db, where, page)
    base = where.query_args()
    context = {
        "where": where,
        "result": result,
        "facets": audit_query.facets(db),
        "levels": audit_query.LEVELS,
        "local_time": audit_query.local_time,
        "page_link": lambda n: "/audit?" + urlencode({**base, "page": n}),
    }
    return render(request, "audit_index.html", context)


@router.get("/verify")
def audit_verify(request: Request, db: DB, user: Reader) -> Response:
    """Walk the whole chain now and say whether it is intact, or where it first breaks."""
    count, problem = audit.verify(db)
    key = audit.public_key_b64(audit.signing_key(_secret(request)))
    return render(request, "audit_verify.html", {"count": count, "problem": problem, "public_key": key})


@router.post("/export", dependencies=[CSRF])
def audit_export(request: Request, db: DB, user: Reader) -> Response:
    """A signed JSON Lines file of the whole chain; the export itself is recorded first, so it is included."""
    audit.append(db, "audit.export", audit.actor_of(user))
    # Closed by the response's generator once sent (or below on failure): hence no ``with`` here.
    spool = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115
    try:
        audit.export(db, spool, _secret(request))
        spool.seek(0)
    except BaseException:
        spool.close()
        raise

    def chunks() -> Iterator[bytes]:
        with spool:
            while block := spool.read(64 * 1024):
                yield block.encode()

    name = f"mokmin-audit-{utcnow().strftime('%Y%m%dT%H%M%SZ')}.jsonl"
    headers = {"content-disposition": f'attachment; filename="{name}"', **NO_STORE}
    return StreamingResponse(chunks(), media_type="application/x-ndjson", headers=headers)


def _event_or_404(db: DB, seq: int) -> AuditEvent:
    event = audit_query.by_seq(db, seq)
    if event is None:
        raise NotFound("guard.audit_event_not_found", seq=seq)
    return event


def _event_page(
    request: Request, db: DB, event: AuditEvent, extra: dict[str, Any], status: int = 200
) -> Response:
    context = {
        "event": event,
        "local_time": audit_query.local_time,
        "vault_entry": vault.available(db, event.seq),
        "min_reason": vault.MIN_REASON_CHARS,
        **extra,
    }
    response = render(request, "audit_event.html", context, status_code=status)
    response.headers.update(NO_STORE)
    return response


@router.get("/events/{seq}")
def audit_event(request: Request, db: DB, user: Reader, seq: int) -> Response:
    return _event_page(request, db, _event_or_404(db, seq), {})


@router.post("/events/{seq}/reveal", dependencies=[CSRF])
def reveal(
    request: Request,
    db: DB,
    user: Reader,
    lang: Lang,
    seq: int,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Open the vault entry of this event's model call; refused without a reason, audited with it."""
    event = _event_or_404(db, seq)
    try:
        mapping = vault.read(db, seq, audit.actor_of(user), reason, secret=_secret(request))
    except MokminError as exc:
        return _event_page(request, db, event, {"error": exc.localized(lang), "reason": reason}, exc.status)
    return _event_page(request, db, event, {"mapping": sorted(mapping.items())})
