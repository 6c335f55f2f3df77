"""The ``mokmin`` command. Help text follows the terminal's language (MOKMIN_LANG or LANG; Korean default).

Errors a user can fix are printed as one clear line with exit code 1 (2 for usage errors), never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from mokmin.core.db import make_engine, make_sessionmaker, transaction
from mokmin.core.errors import MokminError
from mokmin.core.i18n import cli_language, translate
from mokmin.core.settings import get_settings
from mokmin.drafting import cli as drafting_cli
from mokmin.gateway import catalog
from mokmin.gateway import cli as gateway_cli
from mokmin.guard import audit
from mokmin.guard import cli as guard_cli
from mokmin.knowledge import cli as knowledge_cli

CLI_ACTOR = audit.Actor(None, "cli")

LANG = cli_language()
console = Console()
err_console = Console(stderr=True)


def _(key: str, **params: object) -> str:
    return translate(key, LANG, **params)


app = typer.Typer(help=_("cli.help"), no_args_is_help=True, add_completion=False)
demo_app = typer.Typer(help=_("cli.demo"), no_args_is_help=True)
user_app = typer.Typer(help=_("cli.user"), no_args_is_help=True)
key_app = typer.Typer(help=_("cli.key"), no_args_is_help=True)
db_app = typer.Typer(help=_("cli.db"), no_args_is_help=True)
audit_app = typer.Typer(help=_("cli.audit"), no_args_is_help=True)
app.add_typer(demo_app, name="demo")
app.add_typer(user_app, name="user")
app.add_typer(key_app, name="key")
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
app.add_typer(drafting_cli.app, name="draft")
app.add_typer(gateway_cli.provider_app, name="provider")
app.add_typer(gateway_cli.budget_app, name="budget")
app.add_typer(guard_cli.app, name="guard")
app.add_typer(knowledge_cli.app, name="kb")

DatabaseOpt = Annotated[str | None, typer.Option("--database-url", help=_("cli.opt_database"))]


def database_url(override: str | None) -> str:
    return override or get_settings().database_url


@contextmanager
def unit_of_work(url: str | None) -> Iterator[Session]:
    engine = make_engine(database_url(url))
    try:
        with transaction(make_sessionmaker(engine)) as session:
            yield session
    finally:
        engine.dispose()


def fail(exc: MokminError) -> typer.Exit:
    err_console.print(_("cli.error", message=exc.localized(LANG)), style="bold red", markup=False)
    return typer.Exit(1)


@db_app.command("upgrade", help=_("cli.db_upgrade"))
def db_upgrade(database: DatabaseOpt = None) -> None:
    from mokmin.core.migrate import upgrade

    upgrade(database_url(database))
    console.print(_("cli.db_upgraded"))


@app.command(help=_("cli.init"))
def init(
    admin_username: Annotated[str, typer.Option(help=_("cli.opt_username"))] = "admin",
    admin_password: Annotated[str | None, typer.Option(help=_("cli.opt_password"))] = None,
    database: DatabaseOpt = None,
) -> None:
    from mokmin.core import org
    from mokmin.core.migrate import upgrade
    from mokmin.core.models import Role, User

    upgrade(database_url(database))
    with unit_of_work(database) as db:
        catalog.ensure_default(db, get_settings().secret_key.get_secret_value())
        if db.scalar(select(User.id).where(User.role == Role.ADMIN)) is None:
            password = admin_password or typer.prompt(
                _("cli.opt_password"), hide_input=True, confirmation_prompt=True
            )
            try:
                org.add_user(
                    db,
                    username=admin_username,
                    display_name=admin_username,
                    password=password,
                    role=Role.ADMIN,
                )
            except MokminError as exc:
                raise fail(exc) from None
    console.print(_("cli.init_done", username=admin_username))


@demo_app.command("load", help=_("cli.demo_load"))
def demo_load(database: DatabaseOpt = None) -> None:
    from mokmin.core.demo import DEMO_PASSWORD, USERS, load_demo

    try:
        with unit_of_work(database) as db:
            count = load_demo(db, get_settings())
            catalog.ensure_default(db, get_settings().secret_key.get_secret_value())
    except MokminError as exc:
        raise fail(exc) from None
    console.print(_("cli.demo_loaded", count=count))
    others = ", ".join(user.username for user in USERS[1:6])
    console.print(_("cli.demo_signin", username="admin", password=DEMO_PASSWORD, others=others), markup=False)


@user_app.command("add", help=_("cli.user_add"))
def user_add(
    username: Annotated[str, typer.Argument(help=_("cli.opt_username"))],
    display_name: Annotated[str | None, typer.Option("--name", help=_("cli.opt_display_name"))] = None,
    role: Annotated[str, typer.Option(help=_("cli.opt_role"))] = "staff",
    department: Annotated[str | None, typer.Option(help=_("cli.opt_department"))] = None,
    password: Annotated[str | None, typer.Option(help=_("cli.opt_password"))] = None,
    database: DatabaseOpt = None,
) -> None:
    from mokmin.core import org
    from mokmin.core.models import Department, Role

    try:
        parsed_role = Role(role)
    except ValueError:
        raise fail(MokminError("user.bad_role", role=role)) from None
    secret = password or typer.prompt(_("cli.opt_password"), hide_input=True, confirmation_prompt=True)
    try:
        with unit_of_work(database) as db:
            department_id = None
            if department:
                dept = db.scalar(select(Department).where(Department.name == department))
                if dept is None:
                    raise MokminError("cli.department_unknown", name=department)
                department_id = dept.id
            user = org.add_user(
                db,
                username=username,
                display_name=display_name or username,
                password=secret,
                role=parsed_role,
                department_id=department_id,
            )
            name = user.username
            audit.append(db, "admin.user_add", CLI_ACTOR, target=name, details={"role": parsed_role.value})
    except MokminError as exc:
        raise fail(exc) from None
    console.print(_("cli.user_added", username=name))


@user_app.command("list", help=_("cli.user_list"))
def user_list(database: DatabaseOpt = None) -> None:
    from mokmin.core import org

    table = Table()
    for key in (
        "cli.table_username",
        "cli.table_name",
        "cli.table_role",
        "cli.table_department",
        "cli.table_active",
    ):
        table.add_column(_(key))
    with unit_of_work(database) as db:
        for user in org.list_users(db):
            dept = user.department.name if user.department else "-"
            table.add_row(
                user.username,
                user.display_name,
                _(f"role.{user.role.value}"),
                dept,
                "✓" if user.is_active else "✗",
            )
    console.print(table)


@user_app.command("disable", help=_("cli.user_disable"))
def user_disable(
    username: Annotated[str, typer.Argument(help=_("cli.opt_username"))], database: DatabaseOpt = None
) -> None:
    from mokmin.core import org

    try:
        with unit_of_work(database) as db:
            org.set_active(db, org.find_user(db, username), False)
            audit.append(db, "admin.user_active", CLI_ACTOR, target=username, details={"active": False})
    except MokminError as exc:
        raise fail(exc) from None
    console.print(_("cli.user_disabled", username=username))


@key_app.command("create", help=_("cli.key_create"))
def key_create(
    user: Annotated[str, typer.Option("--user", help=_("cli.opt_username"))],
    name: Annotated[str, typer.Option(help=_("cli.opt_key_name"))] = "cli",
    days: Annotated[int, typer.Option(help=_("cli.opt_days"))] = 90,
    database: DatabaseOpt = None,
) -> None:
    from mokmin.core import auth, org

    try:
        with unit_of_work(database) as db:
            key, plaintext = auth.create_api_key(db, org.find_user(db, user), name, days)
            audit.append(
                db, "apikey.create", CLI_ACTOR, target=key.prefix, details={"user": user, "days": days}
            )
    except MokminError as exc:
        raise fail(exc) from None
    err_console.print(_("cli.key_created"))
    print(plaintext)


@audit_app.command("verify", help=_("cli.audit_verify"))
def audit_verify(database: DatabaseOpt = None) -> None:
    with unit_of_work(database) as db:
        count, problem = audit.verify(db)
    if problem is not None:
        err_console.print(
            _("cli.audit_bad", seq=problem.seq, reason=problem.reason), style="bold red", markup=False
        )
        raise typer.Exit(1)
    console.print(_("cli.audit_ok", count=count))


@audit_app.command("export", help=_("cli.audit_export"))
def audit_export(
    output: Annotated[Path, typer.Option("-o", "--output", help=_("cli.opt_output"))] = Path("audit.jsonl"),
    database: DatabaseOpt = None,
) -> None:
    secret = get_settings().secret_key.get_secret_value()
    with unit_of_work(database) as db, output.open("w", encoding="utf-8") as out:
        count = audit.export(db, out, secret)
    err_console.print(_("cli.audit_exported", count=count, path=output))


@audit_app.command("verify-export", help=_("cli.audit_verify_export"))
def audit_verify_export(
    file: Annotated[Path, typer.Argument(help=_("cli.opt_output"))],
    public_key: Annotated[str | None, typer.Option(help=_("cli.opt_public_key"))] = None,
) -> None:
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        raise fail(MokminError("cli.file_unreadable", path=str(file))) from None
    try:
        count, problem = audit.verify_export(lines, public_key)
    except (ValueError, KeyError, TypeError):
        count, problem = 0, audit.ChainProblem(0, "the file is not an audit export")
    if problem is not None:
        err_console.print(
            _("cli.audit_bad", seq=problem.seq, reason=problem.reason), style="bold red", markup=False
        )
        raise typer.Exit(1)
    console.print(_("cli.audit_ok", count=count))


@audit_app.command("key", help=_("cli.audit_key"))
def audit_key() -> None:
    print(audit.public_key_b64(audit.signing_key(get_settings().secret_key.get_secret_value())))


@app.command(help=_("cli.serve"))
def serve(
    host: Annotated[str | None, typer.Option(help=_("cli.opt_host"))] = None,
    port: Annotated[int | None, typer.Option(help=_("cli.opt_port"))] = None,
) -> None:
    from mokmin.web.server import run_server

    run_server(host, port)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
