"""The profile page: who I am, and my personal API keys (created, shown once, revoked)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from mokmin.core import auth
from mokmin.core.db import utcnow
from mokmin.core.errors import MokminError
from mokmin.core.models import ApiKey
from mokmin.guard import audit
from mokmin.web.deps import CSRF, DB, CurrentUser, Lang
from mokmin.web.rendering import render

router = APIRouter(tags=["account"])


def key_status(key: ApiKey) -> str:
    if key.revoked_at is not None:
        return "revoked"
    expires = auth._aware(key.expires_at)
    return "expired" if expires is not None and expires <= utcnow() else "active"


def _profile(
    request: Request, db: DB, user: CurrentUser, extra: dict[str, object], status: int = 200
) -> Response:
    keys = [(key, key_status(key)) for key in auth.list_api_keys(db, user)]
    return render(request, "profile.html", {"keys": keys, **extra}, status_code=status)


@router.get("/profile")
def profile(request: Request, db: DB, user: CurrentUser) -> Response:
    return _profile(request, db, user, {})


@router.post("/profile/keys", dependencies=[CSRF])
def create_key(
    request: Request,
    db: DB,
    user: CurrentUser,
    lang: Lang,
    name: Annotated[str, Form(max_length=200)],
    days: Annotated[str, Form(max_length=10)] = "90",
) -> Response:
    try:
        valid_days = int(days) if days.strip() else None
    except ValueError:
        valid_days = -1
    try:
        key, plaintext = auth.create_api_key(db, user, name, valid_days)
    except MokminError as exc:
        return _profile(request, db, user, {"error": exc.localized(lang)}, status=exc.status)
    audit.append(db, "apikey.create", audit.actor_of(user), target=key.prefix, details={"days": valid_days})
    return _profile(request, db, user, {"new_key": plaintext}, status=201)


@router.post("/profile/keys/{key_id}/revoke", dependencies=[CSRF])
def revoke_key(db: DB, user: CurrentUser, key_id: int) -> Response:
    key = auth.revoke_api_key(db, user, key_id)
    audit.append(db, "apikey.revoke", audit.actor_of(user), target=key.prefix)
    return RedirectResponse("/profile", status_code=303)
