"""Administration pages: users (add, enable/disable, role) and the organisation's departments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from mokmin.core import org
from mokmin.core.errors import MokminError, NotFound, ValidationFailed
from mokmin.core.models import Institution, Role
from mokmin.guard import audit
from mokmin.web.deps import CSRF, DB, AdminUser, Lang
from mokmin.web.rendering import render

router = APIRouter(prefix="/admin", tags=["admin"])


def _users_page(request: Request, db: DB, extra: dict[str, object], status: int = 200) -> Response:
    context = {
        "users": org.list_users(db),
        "departments": org.list_departments(db),
        "roles": list(Role),
        **extra,
    }
    return render(request, "admin_users.html", context, status_code=status)


@router.get("/users")
def users(request: Request, db: DB, admin: AdminUser) -> Response:
    return _users_page(request, db, {})


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ValidationFailed("user.bad_role", role=value[:40]) from None


def parse_department(value: str) -> int | None:
    if not value.strip():
        return None
    if not value.strip().isdigit():
        raise NotFound("org.department_not_found")
    return int(value)


@router.post("/users", dependencies=[CSRF])
def add_user(
    request: Request,
    db: DB,
    admin: AdminUser,
    lang: Lang,
    username: Annotated[str, Form(max_length=200)],
    display_name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1024)],
    role: Annotated[str, Form(max_length=40)] = Role.STAFF.value,
    department_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    from mokmin.core.i18n import translate

    try:
        user = org.add_user(
            db,
            username=username,
            display_name=display_name,
            password=password,
            role=parse_role(role),
            department_id=parse_department(department_id),
        )
    except MokminError as exc:
        return _users_page(request, db, {"error": exc.localized(lang)}, status=exc.status)
    audit.append(
        db,
        "admin.user_add",
        audit.actor_of(admin),
        target=user.username,
        details={"role": user.role.value, "department_id": user.department_id},
    )
    notice = translate("admin.user_added", lang, username=user.username)
    return _users_page(request, db, {"notice": notice}, status=201)


@router.post("/users/{username}/active", dependencies=[CSRF])
def set_active(
    request: Request,
    db: DB,
    admin: AdminUser,
    lang: Lang,
    username: str,
    active: Annotated[str, Form()] = "0",
) -> Response:
    user = org.find_user(db, username)
    if user.id == admin.id:
        return _users_page(
            request, db, {"error": MokminError("admin.cannot_disable_self").localized(lang)}, 400
        )
    org.set_active(db, user, active == "1")
    audit.append(
        db,
        "admin.user_active",
        audit.actor_of(admin),
        target=user.username,
        details={"active": user.is_active},
    )
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{username}/role", dependencies=[CSRF])
def set_role(db: DB, admin: AdminUser, username: str, role: Annotated[str, Form(max_length=40)]) -> Response:
    user = org.set_role(db, org.find_user(db, username), parse_role(role))
    audit.append(
        db, "admin.user_role", audit.actor_of(admin), target=user.username, details={"role": user.role.value}
    )
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/departments")
def departments(request: Request, db: DB, admin: AdminUser) -> Response:
    context = {"departments": org.list_departments(db), "institutions": org.list_institutions(db)}
    return render(request, "admin_departments.html", context)


@router.post("/departments", dependencies=[CSRF])
def add_department(
    request: Request,
    db: DB,
    admin: AdminUser,
    lang: Lang,
    institution_id: Annotated[str, Form(max_length=20)],
    name: Annotated[str, Form(max_length=300)],
) -> Response:
    try:
        institution = db.get(Institution, int(institution_id)) if institution_id.isdigit() else None
        if institution is None:
            raise NotFound("org.institution_not_found")
        dept = org.get_or_create_department(db, institution, name)
        audit.append(db, "admin.department_add", audit.actor_of(admin), target=dept.name)
    except MokminError as exc:
        context = {
            "departments": org.list_departments(db),
            "institutions": org.list_institutions(db),
            "error": exc.localized(lang),
        }
        return render(request, "admin_departments.html", context, status_code=exc.status)
    return RedirectResponse("/admin/departments", status_code=303)
