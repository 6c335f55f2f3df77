"""Sign-in through the city's single sign-on (OpenID Connect, authorization-code flow via authlib).

Accounts are not created on the fly: an SSO identity is linked to an existing user by subject, then by
e-mail or username, so administrators stay in control of who may use the platform.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from mokmin.core.errors import NotAuthenticated, NotFound
from mokmin.core.models import User
from mokmin.core.settings import Settings
from mokmin.guard import audit
from mokmin.web.deps import DB, Lang, SettingsDep
from mokmin.web.rendering import render
from mokmin.web.routes.auth import safe_next, sign_in_response

router = APIRouter(prefix="/auth/oidc", tags=["auth"])


def oidc_client(request: Request, settings: Settings) -> Any:
    """The registered authlib client, built once per app (it caches the provider's metadata and keys)."""
    oauth = getattr(request.app.state, "oauth", None)
    if oauth is None:
        # Imported here: authlib costs ~0.2 s of start-up that a deployment without SSO should not pay.
        from authlib.integrations.starlette_client import OAuth

        if not settings.oidc_enabled or settings.oidc_issuer is None:
            raise NotFound("auth.oidc_disabled")
        oauth = OAuth()
        secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None
        oauth.register(
            name="city",
            server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_id=settings.oidc_client_id,
            client_secret=secret,
            client_kwargs={"scope": "openid profile email"},
        )
        request.app.state.oauth = oauth
    return oauth.create_client("city")


def link_user(db: Session, claims: dict[str, Any]) -> User:
    subject = str(claims.get("sub") or "")
    if not subject:
        raise NotAuthenticated("auth.oidc_no_account")
    user = db.scalar(select(User).where(User.oidc_subject == subject))
    if user is None:
        email = str(claims.get("email") or "").lower()
        username = str(claims.get("preferred_username") or "").lower()
        conditions = []
        if email and claims.get("email_verified", True):
            conditions.append(func.lower(User.email) == email)
        if username:
            conditions.append(User.username == username)
        if conditions:
            user = db.scalar(select(User).where(User.oidc_subject.is_(None), or_(*conditions)))
        if user is None:
            raise NotAuthenticated("auth.oidc_no_account")
        user.oidc_subject = subject
    if not user.is_active:
        raise NotAuthenticated("auth.oidc_no_account")
    return user


@router.get("/login")
async def oidc_login(request: Request, settings: SettingsDep, next: str = "/") -> Response:
    client = oidc_client(request, settings)
    request.session["mokmin_next"] = safe_next(next)
    response: Response = await client.authorize_redirect(request, str(request.url_for("oidc_callback")))
    return response


@router.get("/callback", name="oidc_callback")
async def oidc_callback(request: Request, db: DB, settings: SettingsDep, lang: Lang) -> Response:
    from authlib.integrations.starlette_client import OAuthError

    client = oidc_client(request, settings)
    try:
        token = await client.authorize_access_token(request)
    except OAuthError as exc:
        message = NotAuthenticated("auth.oidc_failed", reason=exc.error or "oauth").localized(lang)
        return render(
            request,
            "login.html",
            {"error": message, "next": "/", "sso": True, "sso_name": settings.oidc_display_name},
            status_code=401,
        )
    claims = dict(token.get("userinfo") or {})
    try:
        user = link_user(db, claims)
    except NotAuthenticated as exc:
        audit.append(db, "auth.sign_in", target="(sso)", outcome="refused", details={"method": "oidc"})
        db.commit()
        return render(
            request,
            "login.html",
            {"error": exc.localized(lang), "next": "/", "sso": True, "sso_name": settings.oidc_display_name},
            status_code=401,
        )
    audit.append(db, "auth.sign_in", audit.actor_of(user), target=user.username, details={"method": "oidc"})
    return sign_in_response(db, user, settings, request.session.pop("mokmin_next", "/"))
