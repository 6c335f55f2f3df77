"""Admin pages for the model gateway: providers (secrets sealed, never shown again) and budgets with usage."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from mokmin.core import org
from mokmin.core.db import utcnow
from mokmin.core.errors import MokminError, ValidationFailed
from mokmin.core.models import Department, Role, User
from mokmin.gateway import budgets, catalog, reports
from mokmin.gateway.cli import parse_model
from mokmin.gateway.models import BudgetRule, ProviderRecord
from mokmin.gateway.service import Gateway
from mokmin.guard import audit
from mokmin.web.deps import CSRF, DB, AdminUser, Lang
from mokmin.web.rendering import render

router = APIRouter(prefix="/admin", tags=["admin"])


def _gateway(request: Request) -> Gateway:
    gateway: Gateway = request.app.state.gateway
    return gateway


def _providers_page(request: Request, db: DB, extra: dict[str, Any], status: int = 200) -> Response:
    secret = request.app.state.settings.secret_key.get_secret_value()
    records = {r.name: r for r in db.scalars(select(ProviderRecord))}
    providers = [(p, records[p.config.name]) for p in catalog.load(db, secret, include_disabled=True)]
    return render(request, "admin_providers.html", {"providers": providers, "roles": list(Role), **extra},
                  status_code=status)  # fmt: skip


@router.get("/providers")
def providers(request: Request, db: DB, admin: AdminUser) -> Response:
    return _providers_page(request, db, {})


@router.post("/providers", dependencies=[CSRF])
async def add_provider(request: Request, db: DB, admin: AdminUser, lang: Lang) -> Response:
    form = await request.form()
    field = {key: str(value).strip() for key, value in form.items() if isinstance(value, str)}
    roles = [str(v) for v in form.getlist("roles")]
    try:
        models = [parse_model(line.strip()) for line in field.get("models", "").splitlines() if line.strip()]
        config = catalog.parse_config({
            "name": field.get("name", ""), "kind": field.get("kind", ""), "locality": field.get("locality", ""),
            "max_data_level": field.get("max_level", "O"), "base_url": field.get("base_url") or None,
            "api_key": field.get("api_key") or None, "models": models,
            "capabilities": {"streaming": True, "embeddings": field.get("embeddings") == "1"},
        })  # fmt: skip
        priority = int(field.get("priority") or 100)
        catalog.save(db, config, request.app.state.settings.secret_key.get_secret_value(),
                     allowed_roles=roles, priority=priority)  # fmt: skip
    except ValueError:
        return _providers_page(request, db, {"error": MokminError("gateway.bad_limit").localized(lang)}, 422)
    except MokminError as exc:
        return _providers_page(request, db, {"error": exc.localized(lang)}, exc.status)
    audit.append(db, "admin.provider_add", audit.actor_of(admin), target=config.name,
                 details={"kind": config.kind.value, "locality": config.locality.value})  # fmt: skip
    _gateway(request).forget_catalog()
    return RedirectResponse("/admin/providers", status_code=303)


@router.post("/providers/{name}/enabled", dependencies=[CSRF])
def toggle_provider(request: Request, db: DB, admin: AdminUser, name: str,
                    enabled: Annotated[str, Form()] = "0") -> Response:  # fmt: skip
    record = db.scalar(select(ProviderRecord).where(ProviderRecord.name == name))
    if record is None:
        raise MokminError("gateway.provider_not_found", 404, name=name)
    record.enabled = enabled == "1"
    audit.append(
        db, "admin.provider_enabled", audit.actor_of(admin), target=name, details={"enabled": record.enabled}
    )
    _gateway(request).forget_catalog()
    return RedirectResponse("/admin/providers", status_code=303)


@router.post("/providers/{name}/remove", dependencies=[CSRF])
def remove_provider(request: Request, db: DB, admin: AdminUser, name: str) -> Response:
    catalog.remove(db, name)
    audit.append(db, "admin.provider_remove", audit.actor_of(admin), target=name)
    _gateway(request).forget_catalog()
    return RedirectResponse("/admin/providers", status_code=303)


def _budgets_page(request: Request, db: DB, extra: dict[str, Any], status: int = 200) -> Response:
    since = reports.month_start(utcnow())
    names = {("user", u.id): u.display_name for u in org.list_users(db)}
    names |= {("department", d.id): d.name for d in org.list_departments(db)}
    rules = [(rule, names.get((rule.scope, rule.scope_id), "?")) for rule in db.scalars(select(BudgetRule))]
    departments = reports.by_department(db, since)
    peak = max((row.tokens for row in departments), default=0) or 1
    context = {
        "rules": rules,
        "departments": departments,
        "users": reports.by_user(db, since),
        "peak": peak,
        "department_choices": org.list_departments(db),
        "user_choices": org.list_users(db),
        "since": since,
        **extra,
    }
    return render(request, "admin_budgets.html", context, status_code=status)


@router.get("/budgets")
def budget_page(request: Request, db: DB, admin: AdminUser) -> Response:
    return _budgets_page(request, db, {})


def _optional_int(value: str) -> int | None:
    return int(value) if value.strip() else None


@router.post("/budgets", dependencies=[CSRF])
def set_budget(
    request: Request,
    db: DB,
    admin: AdminUser,
    lang: Lang,
    target: Annotated[str, Form(max_length=40)],
    monthly_tokens: Annotated[str, Form(max_length=20)] = "",
    monthly_cost: Annotated[str, Form(max_length=20)] = "",
    rpm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    try:
        scope, _, raw_id = target.partition(":")
        scope_id = int(raw_id)
        owner = db.get(User if scope == "user" else Department, scope_id)
        if owner is None:
            raise ValidationFailed("gateway.bad_scope", scope=target)
        rule = budgets.set_rule(
            db, scope, scope_id, monthly_tokens=_optional_int(monthly_tokens),
            monthly_cost=Decimal(monthly_cost) if monthly_cost.strip() else None,
            requests_per_minute=_optional_int(rpm),
        )  # fmt: skip
    except (ValueError, InvalidOperation):
        return _budgets_page(request, db, {"error": MokminError("gateway.bad_limit").localized(lang)}, 422)
    except MokminError as exc:
        return _budgets_page(request, db, {"error": exc.localized(lang)}, exc.status)
    audit.append(db, "admin.budget_set", audit.actor_of(admin), target=target,
                 details={"monthly_tokens": rule.monthly_tokens, "rpm": rule.requests_per_minute,
                          "monthly_cost": str(rule.monthly_cost) if rule.monthly_cost is not None else None})  # fmt: skip
    return RedirectResponse("/admin/budgets", status_code=303)
