"""Alembic environment: the URL comes from the caller (``mokmin db upgrade``) or from settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import mokmin.core.models
import mokmin.drafting.models
import mokmin.gateway.models
import mokmin.guard.models
import mokmin.knowledge.models  # noqa: F401
from mokmin.core.db import Base, make_engine
from mokmin.core.settings import get_settings

config = context.config
target_metadata = Base.metadata


def _include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Autogenerate only adds: a table another domain created by hand (FTS5 shadows) is never dropped."""
    return not (type_ == "table" and reflected and compare_to is None)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=_include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("mokmin migrations run online only")
run_migrations_online()
