"""The privacy officer's pages (policy matrix, false-positive reports, scan) and ``POST /api/guard/scan``.

The policy page shows the 3×2 matrix of data level × provider locality with the default action and accepts
only stricter overrides; every change is audited. The scan page and API run the same detector as the
gateway: the page highlights findings, the API returns spans with Python string offsets. The API takes a
web session (with the CSRF header) or a personal API key (``Authorization: Bearer mk-…``).
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, File, Form, Header, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from mokmin.core import auth
from mokmin.core.errors import MokminError, NotAuthenticated, ValidationFailed
from mokmin.core.levels import DataLevel, Locality
from mokmin.core.models import Role, User
from mokmin.guard import audit, audit_query, policy_store, scan_service
from mokmin.guard.policy import Action
from mokmin.guard.spans import PiiType, Span
from mokmin.web.deps import CSRF, DB, Lang, optional_user, require_roles, verify_csrf
from mokmin.web.rendering import render

router = APIRouter(tags=["privacy"])
Officer = Annotated[User, Depends(require_roles(Role.PRIVACY_OFFICER))]


def _privacy_page(request: Request, db: DB, extra: dict[str, Any], status: int = 200) -> Response:
    context = {
        "cells": policy_store.matrix(db),
        "levels": list(DataLevel),
        "localities": list(Locality),
        "false_positives": audit_query.false_positives_by_type(db),
        **extra,
    }
    return render(request, "privacy_index.html", context, status_code=status)


@router.get("/privacy")
def privacy_index(request: Request, db: DB, user: Officer, saved: int = 0) -> Response:
    return _privacy_page(request, db, {"saved": bool(saved)})


@router.post("/privacy/policy", dependencies=[CSRF])
def set_policy(
    request: Request,
    db: DB,
    user: Officer,
    lang: Lang,
    level: Annotated[str, Form(max_length=1)],
    locality: Annotated[str, Form(max_length=16)],
    action: Annotated[str, Form(max_length=16)],
) -> Response:
    """Tighten (or reset to the default) one cell; a loosening is refused with the reason on the page."""
    try:
        cell = (DataLevel(level), Locality(locality), Action(action))
    except ValueError:
        error = ValidationFailed("guard.policy_bad_cell").localized(lang)
        return _privacy_page(request, db, {"error": error}, 422)
    try:
        policy_store.set_action(db, *cell, audit.actor_of(user))
    except MokminError as exc:
        return _privacy_page(request, db, {"error": exc.localized(lang)}, exc.status)
    return RedirectResponse("/privacy?saved=1", status_code=303)


def _type_counts(spans: list[Span]) -> list[tuple[str, int]]:
    return sorted(Counter(span.type.value for span in spans).items())


@router.get("/privacy/scan")
def scan_page(request: Request, user: Officer) -> Response:
    return render(request, "privacy_scan.html", {"types": list(PiiType)})


@router.post("/privacy/scan", dependencies=[CSRF])
async def scan_submit(
    request: Request,
    user: Officer,
    lang: Lang,
    text: Annotated[str, Form(max_length=scan_service.MAX_TEXT_CHARS)] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Scan pasted text or an uploaded ``.txt`` file and show the findings highlighted."""
    context: dict[str, Any] = {"types": list(PiiType), "text": text}
    try:
        if file is not None and file.filename:
            data = await file.read(scan_service.MAX_UPLOAD_BYTES + 1)
            text = scan_service.decode_upload(file.filename, data)
            context["filename"] = file.filename
        if not text.strip():
            raise ValidationFailed("guard.scan_empty")
        spans = await anyio.to_thread.run_sync(scan_service.scan, text)
    except MokminError as exc:
        response = render(request, "privacy_scan.html", {**context, "error": exc.localized(lang)}, exc.status)
        response.headers["cache-control"] = "no-store"
        return response
    context.update(
        text=text,
        spans=spans,
        segments=scan_service.segments(text, spans),
        counts=_type_counts(spans),
    )
    response = render(request, "privacy_scan.html", context)
    response.headers["cache-control"] = "no-store"  # the page shows the personal data it found
    return response


class ScanItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | int | None = None
    text: str = Field(max_length=scan_service.MAX_TEXT_CHARS)


class ScanBody(BaseModel):
    """Either ``text`` or ``items``; optionally limit ``types`` and set the score ``threshold``."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, max_length=scan_service.MAX_TEXT_CHARS)
    items: list[ScanItem] | None = Field(default=None, max_length=scan_service.MAX_ITEMS)
    types: list[str] | None = Field(default=None, max_length=len(PiiType))
    threshold: float = Field(default=0.5, ge=0.0, le=1.0)


class SpanOut(BaseModel):
    start: int
    end: int
    type: str
    score: float


class ItemSpans(BaseModel):
    id: str | int | None
    spans: list[SpanOut]


class ScanOut(BaseModel):
    """``spans`` for a ``text`` request, ``items`` (same order as sent) for an ``items`` request."""

    spans: list[SpanOut] | None = None
    items: list[ItemSpans] | None = None


def _bearer(authorization: str | None) -> str | None:
    if authorization and authorization[:7].lower() == "bearer ":
        return authorization[7:].strip()
    return None


async def scan_caller(
    request: Request, db: DB, authorization: Annotated[str | None, Header()] = None
) -> User:
    """The owner of a Bearer key, else the session's user — who must then send the CSRF header."""
    token = _bearer(authorization)
    if token is not None:
        return auth.user_for_api_key(db, token)
    user = optional_user(request, db)
    if user is None:
        raise NotAuthenticated("auth.required")
    await verify_csrf(request)
    return user


def _scan_all(body: ScanBody, types: set[str] | None) -> ScanOut:
    def found(text: str) -> list[SpanOut]:
        spans = scan_service.scan(text, types, body.threshold)
        return [SpanOut(start=s.start, end=s.end, type=s.type.value, score=round(s.score, 3)) for s in spans]

    if body.items is not None:
        return ScanOut(items=[ItemSpans(id=item.id, spans=found(item.text)) for item in body.items])
    return ScanOut(spans=found(body.text or ""))


@router.post("/api/guard/scan", response_model_exclude_none=True)
async def scan_api(body: ScanBody, user: Annotated[User, Depends(scan_caller)]) -> ScanOut:
    """Find personal data: ``{"text"}`` → ``{"spans"}``, ``{"items":[{"id","text"}]}`` → ``{"items"}``."""
    if (body.text is None) == (body.items is None):
        raise ValidationFailed("guard.scan_text_or_items")
    types = scan_service.parse_types(body.types)
    return await anyio.to_thread.run_sync(_scan_all, body, types)
