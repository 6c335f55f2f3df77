"""Local sign-in and sign-out, and the language switch."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from mokmin.core import auth
from mokmin.core.errors import Locked, NotAuthenticated
from mokmin.core.i18n import LANGUAGES, normalize_language
from mokmin.core.models import User
from mokmin.core.settings import Settings
from mokmin.guard import audit
from mokmin.web.deps import CSRF, DB, LANG_COOKIE, SESSION_COOKIE, Lang, SettingsDep, optional_user
from mokmin.web.rendering import render

router = APIRouter(tags=["auth"])


def safe_next(target: str | None) -> str:
    """Only local paths: an open redirect would let a phishing link bounce through the sign-in page."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    return "/" if parts.scheme or parts.netloc or "\\" in target else target


def sign_in_response(db: DB, user: User, settings: Settings, target: str) -> Response:
    token = auth.start_web_session(db, user, settings)
    response = RedirectResponse(safe_next(target), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        max_age=settings.session_hours * 3600,
    )
    response.set_cookie(LANG_COOKIE, user.language, samesite="lax", secure=settings.secure_cookies)
    return response


@router.get("/login")
def login_page(request: Request, db: DB, settings: SettingsDep, next: str = "/") -> Response:
    if optional_user(request, db) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(
        request,
        "login.html",
        {"next": safe_next(next), "sso": settings.oidc_enabled, "sso_name": settings.oidc_display_name},
    )


@router.post("/login", dependencies=[CSRF])
def login(
    request: Request,
    db: DB,
    settings: SettingsDep,
    lang: Lang,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    try:
        user = auth.authenticate(db, settings, username, password)
    except (NotAuthenticated, Locked) as exc:
        # Only a real username is recorded: people sometimes type their password into the username field.
        known = db.scalar(select(User.id).where(User.username == username.strip())) is not None
        audit.append(
            db,
            "auth.sign_in",
            target=username.strip() if known else "(unknown)",
            outcome="locked" if isinstance(exc, Locked) else "refused",
        )
        # The failure counter and the audit event must survive the error page: commit at this boundary.
        db.commit()
        context = {
            "error": exc.localized(lang),
            "next": safe_next(next),
            "username": username[:64],
            "sso": settings.oidc_enabled,
            "sso_name": settings.oidc_display_name,
        }
        return render(request, "login.html", context, status_code=exc.status)
    audit.append(
        db, "auth.sign_in", audit.actor_of(user), target=user.username, details={"method": "password"}
    )
    return sign_in_response(db, user, settings, next)


@router.post("/logout", dependencies=[CSRF])
def logout(request: Request, db: DB) -> Response:
    user = optional_user(request, db)
    if user is not None:
        audit.append(db, "auth.sign_out", audit.actor_of(user), target=user.username)
    auth.end_web_session(db, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login?signed_out=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/language", dependencies=[CSRF])
def switch_language(
    request: Request,
    db: DB,
    settings: SettingsDep,
    language: Annotated[str, Form(max_length=10)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    lang = normalize_language(language, settings.default_language)
    if language not in LANGUAGES:
        lang = settings.default_language
    user = optional_user(request, db)
    if user is not None:
        user.language = lang
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(LANG_COOKIE, lang, samesite="lax", secure=settings.secure_cookies)
    return response
