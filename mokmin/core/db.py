"""Database engine, sessions and the declarative base shared by every domain.

SQLite (WAL mode) is the embedded default; PostgreSQL is the scale-out path. The engine is built from
settings on demand, never at import time, so tests and workers can point at another database.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Dialect, Engine, MetaData, TypeDecorator, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def enum_values(kind: type[enum.StrEnum]) -> list[str]:
    """For ``Enum(..., values_callable=enum_values)``: store values ("staff"), not member names, so the
    database reads like the API."""
    return [member.value for member in kind]


def utcnow() -> datetime:
    """Timezone-aware now; every stored timestamp is UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite would otherwise hand back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    """Declarative base of every mokmin table (one metadata, one naming convention for migrations)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}  # noqa: RUF012 - SQLAlchemy reads it


class TimestampMixin:
    """Creation time for rows that people will want to sort or audit by."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT and transactional DDL; let SQLAlchemy emit BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # DEFERRED by default: WAL readers never wait, and a short transaction may run while a request's own
    # (read) transaction is open. A unit of work that reads and then writes under concurrency asks for
    # IMMEDIATE (``transaction(..., write=True)``): it takes the write lock up front and waits its turn
    # (busy_timeout) instead of failing with "database is locked" when another writer committed meanwhile.
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {'IMMEDIATE' if mode == 'IMMEDIATE' else 'DEFERRED'}")


# AnyIO's default worker-thread limit: every thread that may hold a connection at once. A pool smaller than
# that closes and reopens connections under load (SQLite: reopen + PRAGMAs); PostgreSQL keeps half of them
# open and opens the rest only while busy, to spare the server's connection slots.
WORKER_THREADS = 40


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Build an engine; for SQLite create the parent folder and switch on WAL and foreign keys."""
    if url.startswith("sqlite"):
        path = make_url(url).database or ""
        pool: dict[str, int] = {}
        if path and path != ":memory:" and "mode=memory" not in url:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            pool = {"pool_size": WORKER_THREADS, "max_overflow": WORKER_THREADS // 2}
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        url, echo=echo, pool_pre_ping=True, pool_size=WORKER_THREADS // 2, max_overflow=WORKER_THREADS // 2
    )


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session], *, write: bool = False) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error (no half-written records).

    ``write=True`` for a unit that reads then writes and may race other writers (SQLite: BEGIN IMMEDIATE).
    """
    session = factory()
    if write:
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
