"""``mokmin provider …`` and ``mokmin budget …``: register model providers and set limits from a terminal.

Secrets are read from a prompt or an environment variable (never from the command line, where shell history
would keep them), stored encrypted and never printed again.
"""

from __future__ import annotations

import asyncio
import os
import time
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from mokmin.core.db import make_engine, make_sessionmaker, transaction
from mokmin.core.errors import MokminError, ValidationFailed
from mokmin.core.i18n import cli_language, translate
from mokmin.core.models import Department
from mokmin.core.settings import get_settings
from mokmin.gateway import budgets, catalog
from mokmin.gateway.registry import build_provider
from mokmin.gateway.types import ChatMessage, ChatRequest
from mokmin.guard import audit

LANG = cli_language()
console = Console()
err_console = Console(stderr=True)
CLI_ACTOR = audit.Actor(None, "cli")


def _(key: str, **params: object) -> str:
    return translate(key, LANG, **params)


provider_app = typer.Typer(help=_("gateway.cli_provider"), no_args_is_help=True)
budget_app = typer.Typer(help=_("gateway.cli_budget"), no_args_is_help=True)
DatabaseOpt = Annotated[str | None, typer.Option("--database-url", help=_("cli.opt_database"))]


def _factory(url: str | None) -> Any:
    return make_sessionmaker(make_engine(url or get_settings().database_url))


def _fail(exc: MokminError) -> typer.Exit:
    err_console.print(_("cli.error", message=exc.localized(LANG)), style="bold red", markup=False)
    return typer.Exit(1)


def parse_model(spec: str) -> dict[str, Any]:
    """``NAME[:CONTEXT[:INPUT_PRICE:OUTPUT_PRICE[:UPSTREAM]]]``, prices per million tokens."""
    parts = spec.split(":")
    model: dict[str, Any] = {"name": parts[0], "context_length": 8192}
    try:
        if len(parts) > 1 and parts[1]:
            model["context_length"] = int(parts[1])
        if len(parts) > 3:
            model["input_price_per_million"] = str(Decimal(parts[2]))
            model["output_price_per_million"] = str(Decimal(parts[3]))
        if len(parts) > 4 and parts[4]:
            model["upstream"] = ":".join(parts[4:])
    except (ValueError, InvalidOperation):
        raise ValidationFailed("gateway.bad_model_spec", spec=spec) from None
    return model


@provider_app.command("add", help=_("gateway.cli_provider_add"))
def provider_add(
    name: Annotated[str, typer.Argument()],
    kind: Annotated[str, typer.Option(help="embedded | openai | anthropic | openai-compatible")],
    model: Annotated[list[str], typer.Option(help=_("gateway.cli_opt_model"))],
    locality: Annotated[str, typer.Option(help="local | external")] = "external",
    max_level: Annotated[str, typer.Option(help="O | S | C")] = "O",
    base_url: Annotated[str | None, typer.Option(help=_("gateway.cli_opt_base_url"))] = None,
    api_key_env: Annotated[str | None, typer.Option(help=_("gateway.cli_opt_key_env"))] = None,
    ask_api_key: Annotated[bool, typer.Option("--ask-api-key", help=_("gateway.cli_opt_ask_key"))] = False,
    embeddings: Annotated[bool, typer.Option(help=_("gateway.cli_opt_embeddings"))] = False,
    role: Annotated[list[str] | None, typer.Option(help=_("gateway.cli_opt_role"))] = None,
    priority: Annotated[int, typer.Option(help=_("gateway.cli_opt_priority"))] = 100,
    replace: Annotated[bool, typer.Option(help=_("gateway.cli_opt_replace"))] = False,
    database: DatabaseOpt = None,
) -> None:
    secret: str | None = None
    if api_key_env:
        secret = os.environ.get(api_key_env)
        if not secret:
            raise _fail(MokminError("gateway.key_env_empty", var=api_key_env))
    elif ask_api_key:
        secret = typer.prompt("API key", hide_input=True)
    try:
        data: dict[str, Any] = {
            "name": name, "kind": kind, "locality": locality, "max_data_level": max_level.upper(),
            "base_url": base_url, "api_key": secret, "models": [parse_model(m) for m in model],
            "capabilities": {"streaming": True, "embeddings": embeddings},
        }  # fmt: skip
        config = catalog.parse_config(data)
        settings = get_settings()
        with transaction(_factory(database)) as db:
            catalog.save(db, config, settings.secret_key.get_secret_value(), allowed_roles=role or [],
                         priority=priority, replace=replace)  # fmt: skip
            audit.append(
                db, "admin.provider_add", CLI_ACTOR, target=name, details={"kind": kind, "locality": locality}
            )
    except MokminError as exc:
        raise _fail(exc) from None
    console.print(_("gateway.provider_saved", name=name))


@provider_app.command("list", help=_("gateway.cli_provider_list"))
def provider_list(database: DatabaseOpt = None) -> None:
    settings = get_settings()
    with transaction(_factory(database)) as db:
        providers = catalog.load(db, settings.secret_key.get_secret_value(), include_disabled=True)
    table = Table()
    for column in ("name", "kind", "locality", "max level", "models", "secret", "roles", "priority"):
        table.add_column(column)
    for p in providers:
        c = p.config
        models = ", ".join(f"{m.name} ({m.context_length})" for m in c.models)
        table.add_row(c.name, c.kind.value, c.locality.value, c.max_data_level.value, models,
                      "✓" if p.has_secret else "-", ", ".join(p.allowed_roles) or "*", str(p.priority))  # fmt: skip
    console.print(table)


@provider_app.command("test", help=_("gateway.cli_provider_test"))
def provider_test(name: Annotated[str, typer.Argument()], database: DatabaseOpt = None) -> None:
    settings = get_settings()
    with transaction(_factory(database)) as db:
        found = [p for p in catalog.load(db, settings.secret_key.get_secret_value(), include_disabled=True)
                 if p.config.name == name]  # fmt: skip
    if not found:
        raise _fail(MokminError("gateway.provider_not_found", name=name))
    config = found[0].config
    request = ChatRequest(model=config.models[0].name, messages=[ChatMessage(role="user", content="Say OK.")],
                          max_tokens=8)  # fmt: skip

    async def ping() -> tuple[str, float]:
        provider = build_provider(config)
        started = time.perf_counter()
        try:
            result = await provider.chat(request)
        finally:
            await provider.aclose()
        return result.text, time.perf_counter() - started

    try:
        text, seconds = asyncio.run(ping())
    except MokminError as exc:
        raise _fail(exc) from None
    console.print(_("gateway.provider_ok", name=name, seconds=f"{seconds:.2f}"), markup=False)
    console.print(text.strip()[:200], markup=False)


@provider_app.command("remove", help=_("gateway.cli_provider_remove"))
def provider_remove(name: Annotated[str, typer.Argument()], database: DatabaseOpt = None) -> None:
    try:
        with transaction(_factory(database)) as db:
            catalog.remove(db, name)
            audit.append(db, "admin.provider_remove", CLI_ACTOR, target=name)
    except MokminError as exc:
        raise _fail(exc) from None
    console.print(_("gateway.provider_removed", name=name))


@budget_app.command("set", help=_("gateway.cli_budget_set"))
def budget_set(
    user: Annotated[str | None, typer.Option(help=_("cli.opt_username"))] = None,
    department: Annotated[str | None, typer.Option(help=_("cli.opt_department"))] = None,
    monthly_tokens: Annotated[int | None, typer.Option()] = None,
    monthly_cost: Annotated[str | None, typer.Option()] = None,
    rpm: Annotated[int | None, typer.Option(help=_("gateway.cli_opt_rpm"))] = None,
    database: DatabaseOpt = None,
) -> None:
    from mokmin.core import org

    if (user is None) == (department is None):
        raise _fail(MokminError("gateway.budget_target"))
    try:
        cost = Decimal(monthly_cost) if monthly_cost is not None else None
    except InvalidOperation:
        raise _fail(ValidationFailed("gateway.bad_limit")) from None
    try:
        with transaction(_factory(database)) as db:
            if user is not None:
                scope, scope_id = "user", org.find_user(db, user).id
            else:
                dept = db.scalar(select(Department).where(Department.name == department))
                if dept is None:
                    raise MokminError("cli.department_unknown", name=department)
                scope, scope_id = "department", dept.id
            budgets.set_rule(db, scope, scope_id, monthly_tokens=monthly_tokens, monthly_cost=cost,
                             requests_per_minute=rpm)  # fmt: skip
            audit.append(db, "admin.budget_set", CLI_ACTOR, target=f"{scope}:{user or department}",
                         details={"monthly_tokens": monthly_tokens, "monthly_cost": monthly_cost, "rpm": rpm})  # fmt: skip
    except MokminError as exc:
        raise _fail(exc) from None
    console.print(_("admin.saved"))
