"""Request-scoped dependencies: database session, language, signed-in user, roles, CSRF."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from mokmin.core import auth
from mokmin.core.db import transaction
from mokmin.core.errors import NotAuthenticated, PermissionDenied
from mokmin.core.i18n import Language, normalize_language
from mokmin.core.models import Role, User
from mokmin.core.security import same
from mokmin.core.settings import Settings

SESSION_COOKIE = "mokmin_session"
CSRF_COOKIE = "mokmin_csrf"
LANG_COOKIE = "mokmin_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _db(request: Request) -> Iterator[Session]:
    """One transaction per request, committed before the response is sent (scope="function")."""
    with transaction(request.app.state.sessionmaker) as session:
        yield session


DB = Annotated[Session, Depends(_db, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def language(request: Request) -> Language:
    """The cookie wins, then the signed-in user's choice (set on sign-in), then Korean."""
    cached: Language | None = getattr(request.state, "language", None)
    if cached:
        return cached
    settings = get_settings(request)
    lang = normalize_language(request.cookies.get(LANG_COOKIE), settings.default_language)
    request.state.language = lang
    return lang


Lang = Annotated[Language, Depends(language)]


@dataclass(frozen=True)
class Viewer:
    """What pages show of the signed-in person: a plain snapshot that stays valid after the session closes
    (an error page is rendered after the request's transaction has been rolled back)."""

    id: int
    username: str
    display_name: str
    role: Role
    department_name: str | None


def optional_user(request: Request, db: DB) -> User | None:
    user = auth.user_for_session(db, request.cookies.get(SESSION_COOKIE))
    if user is not None:
        dept = user.department.name if user.department else None
        request.state.viewer = Viewer(user.id, user.username, user.display_name, user.role, dept)
    return user


def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise NotAuthenticated("auth.required")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require_roles(*roles: Role) -> Callable[[User], User]:
    """A dependency admitting only the given roles (admins always pass)."""

    def check(user: CurrentUser) -> User:
        if user.role is not Role.ADMIN and user.role not in roles:
            raise PermissionDenied("auth.forbidden")
        return user

    return check


AdminUser = Annotated[User, Depends(require_roles(Role.ADMIN))]


def csrf_token(request: Request) -> str:
    """The browser's CSRF token (double-submit: cookie + form field or header), made on first use."""
    token: str | None = getattr(request.state, "csrf_token", None) or request.cookies.get(CSRF_COOKIE)
    if not token or len(token) > 200:
        from mokmin.core.security import new_token

        token = new_token()
        request.state.new_csrf_cookie = token
    request.state.csrf_token = token
    return token


async def verify_csrf(request: Request) -> None:
    """Every state-changing browser request must echo the CSRF cookie in a form field or header."""
    cookie = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not cookie or not sent or not same(cookie, sent):
        raise PermissionDenied("auth.csrf")


CSRF = Depends(verify_csrf)
