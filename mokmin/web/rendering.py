"""Server-side page rendering with the message catalogue, the signed-in user and the CSRF token in scope."""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from mokmin.core.i18n import translate
from mokmin.core.models import Role
from mokmin.web.deps import CSRF_COOKIE, CSRF_FIELD, Viewer, csrf_token, language

templates = Jinja2Templates(directory=str(resources.files("mokmin.web").joinpath("templates")))

# The navigation of every page: (path, catalogue key, roles that see it; empty = everyone). Entries whose
# capability is not built yet are shown as "coming soon" rather than hidden, so staff know what is planned.
NAVIGATION: list[tuple[str, str, tuple[Role, ...]]] = [
    ("/", "nav.home", ()),
    ("/chat", "nav.chat", ()),
    ("/drafts", "nav.drafting", ()),
    ("/knowledge", "nav.knowledge", ()),
    ("/privacy", "nav.privacy", (Role.PRIVACY_OFFICER,)),
    ("/audit", "nav.audit", (Role.AUDITOR, Role.PRIVACY_OFFICER)),
    ("/adoption", "nav.adoption", (Role.TRAINER, Role.DEPARTMENT_HEAD)),
    ("/admin/users", "nav.admin", (Role.ADMIN,)),
]


def navigation_for(user: Viewer | None, available: set[str]) -> list[dict[str, Any]]:
    if user is None:
        return []
    items = []
    for path, key, roles in NAVIGATION:
        if roles and user.role is not Role.ADMIN and user.role not in roles:
            continue
        items.append({"path": path, "key": key, "ready": path in available})
    return items


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    lang = language(request)
    user: Viewer | None = getattr(request.state, "viewer", None)
    token = csrf_token(request)
    available: set[str] = request.app.state.available_pages
    ctx: dict[str, Any] = {
        "lang": lang,
        "t": lambda key, **kw: translate(key, lang, **kw),
        "user": user,
        "csrf_token": token,
        "csrf_field": CSRF_FIELD,
        "nav": navigation_for(user, available),
        "path": request.url.path,
    }
    ctx.update(context or {})
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    new_cookie = getattr(request.state, "new_csrf_cookie", None)
    if new_cookie:
        settings = request.app.state.settings
        response.set_cookie(
            CSRF_COOKIE, new_cookie, httponly=True, samesite="strict", secure=settings.secure_cookies
        )
    return response
