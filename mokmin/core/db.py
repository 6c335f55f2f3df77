"""Database engine, sessions and the declarative base shared by every domain.

SQLite (WAL mode) is the embedded default; PostgreSQL is the scale-out path. The engine is built from
settings on demand, never at import time, so tests and workers can point at another database.
"""

from __future__ import annotations

import enum
import logging
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Dialect, Engine, MetaData, TypeDecorator, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.sql import Insert, TextClause, Update

log = logging.getLogger(__name__)

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


BUSY_TIMEOUT_MS = 5000  # how long an SQLite writer waits for another one before "database is locked"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT and transactional DDL; let SQLAlchemy emit BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
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


# --- direct writes: the few statements every model call runs ---------------------------------------------


class DirectStatement:
    """A Core statement compiled once per dialect and run straight on the DBAPI cursor (:func:`direct_write`).

    For rows written on every model call (usage and audit events, budget counters) SQLAlchemy's execution
    path cost several times the database's own work. Values still pass through each column's bind processor,
    so what is stored is exactly what Core would store; the SQL comes from the same table metadata.
    """

    def __init__(self, statement: Insert | Update | TextClause, columns: Sequence[str] | None = None) -> None:
        self.statement = statement
        self.columns = list(columns) if columns is not None else None
        self._forms: dict[str, tuple[str, Callable[[Mapping[str, Any]], Any]]] = {}

    def form(self, dialect: Dialect) -> tuple[str, Callable[[Mapping[str, Any]], Any]]:
        """(SQL, a function turning named values into the DBAPI's parameters) for ``dialect``."""
        form = self._forms.get(dialect.name)
        if form is None:
            form = self._forms[dialect.name] = self._compile(dialect)
        return form

    def _compile(self, dialect: Dialect) -> tuple[str, Callable[[Mapping[str, Any]], Any]]:
        compiled = self.statement.compile(dialect=dialect, column_keys=self.columns)
        binds = {name: bind for bind, name in compiled.bind_names.items()}
        # Values written into the statement itself (``id == 1``) are bound too; callers pass only the rest.
        fixed = {name: bind.value for name, bind in binds.items() if not bind.required}
        processors = [
            (name, bind.type.dialect_impl(dialect).bind_processor(dialect)) for name, bind in binds.items()
        ]
        process = {name: processor for name, processor in processors if processor is not None}
        order = compiled.positiontup
        names = list(order) if order is not None else list(binds)
        pairs = [(name, process.get(name)) for name in names]

        def convert(values: Mapping[str, Any]) -> Any:
            if fixed:
                values = {**fixed, **values}
            converted = [p(values[n]) if p else values[n] for n, p in pairs]
            if order is not None:  # qmark and the like: a tuple in statement order
                return converted
            return dict(zip(names, converted, strict=True))

        return compiled.string, convert


class DirectWrite:
    """An open write transaction on a DBAPI connection; run :class:`DirectStatement` s in it."""

    def __init__(self, cursor: Any, dialect: Dialect) -> None:
        self.cursor = cursor
        self.dialect = dialect

    def run(self, statement: DirectStatement, values: Mapping[str, Any]) -> Any:
        """Execute with one row of values; returns the DBAPI cursor (for ``fetchone``, ``lastrowid``)."""
        sql, convert = statement.form(self.dialect)
        try:
            self.cursor.execute(sql, convert(values))
        except self.dialect.loaded_dbapi.Error as exc:
            raise self._translated(exc, sql, values) from exc
        return self.cursor

    def run_many(self, statement: DirectStatement, rows: Sequence[Mapping[str, Any]]) -> int:
        """Execute once per row; returns the rows changed in all."""
        sql, convert = statement.form(self.dialect)
        try:
            self.cursor.executemany(sql, [convert(row) for row in rows])
        except self.dialect.loaded_dbapi.Error as exc:
            raise self._translated(exc, sql, rows) from exc
        return int(self.cursor.rowcount)

    def commit(self, raw: Any) -> None:
        """Commit the transaction on ``raw``, the DBAPI connection this cursor belongs to."""
        try:
            raw.commit()
        except self.dialect.loaded_dbapi.Error as exc:
            raise self._translated(exc, "COMMIT", ()) from exc

    def _translated(self, error: Exception, sql: str, values: Any) -> StatementError:
        """A DBAPI error as SQLAlchemy's (a locked or unreachable database answers 503, as elsewhere)."""
        return DBAPIError.instance(sql, values, error, self.dialect.loaded_dbapi.Error, dialect=self.dialect)


class WriteWouldWait(Exception):
    """A write that was not to wait found the database, or this process's write lock, taken: nothing was
    written, and the caller may try again where waiting is fine (a worker thread)."""


_MAY_WAIT: ContextVar[bool] = ContextVar("mokmin_db_may_wait", default=True)


@contextmanager
def without_waiting() -> Iterator[None]:
    """Direct writes started inside this block raise :class:`WriteWouldWait` instead of waiting for another
    writer: for short writes done on the event loop, which must never block."""
    token = _MAY_WAIT.set(False)
    try:
        yield
    finally:
        _MAY_WAIT.reset(token)


def may_wait() -> bool:
    """False inside :func:`without_waiting`: a write about to begin must not wait for anything there."""
    return _MAY_WAIT.get()


@contextmanager
def holding(lock: threading.Lock | None) -> Iterator[None]:
    """``lock`` (when there is one) held around a write; not waited for inside :func:`without_waiting`."""
    if lock is None:
        yield
        return
    if not lock.acquire(blocking=_MAY_WAIT.get()):
        raise WriteWouldWait("write lock taken")
    try:
        yield
    finally:
        lock.release()


@contextmanager
def direct_write(factory: sessionmaker[Session]) -> Iterator[DirectWrite]:
    """A write transaction (SQLite: BEGIN IMMEDIATE) straight on a DBAPI connection: commit on success, roll
    back on any error, as :func:`transaction`. Inside :func:`without_waiting`, an SQLite database another
    writer holds raises :class:`WriteWouldWait` at once.

    A factory bound to a connection rather than an engine (tests: every test inside one outer transaction)
    gets a session on it and the writes join that session's transaction.
    """
    bind = factory.kw.get("bind")
    if not isinstance(bind, Engine):
        with transaction(factory, write=True) as session:
            connection = session.connection()
            cursor = connection.connection.cursor()
            try:
                yield DirectWrite(cursor, connection.dialect)
            finally:
                cursor.close()
        return
    sqlite = bind.dialect.name == "sqlite"
    waits = _MAY_WAIT.get() or not sqlite
    raw = bind.raw_connection() if waits else _no_wait_connection(bind)
    cursor = raw.cursor()
    try:
        work = DirectWrite(cursor, bind.dialect)
        if sqlite:
            _begin_immediate(work)
        yield work
        work.commit(raw)
        cursor.close()
        if not waits:
            _committed_without_waiting(bind)
    except BaseException as exc:
        if not _abandon(raw, cursor, bind.dialect, exc) and not waits:
            _forget_no_wait_connection(bind)
        raise
    finally:
        if waits:
            raw.close()


# One connection per engine and thread for SQLite writes that must not wait (the event loop's): opened once
# with busy_timeout 0, so such a write fails at once when another writer holds the database, and kept out
# of the pool, which spares its checkout and reset on every call. It never checkpoints the WAL itself: that
# means fsync, milliseconds during which every request in flight would wait. Every CHECKPOINT_EVERY of its
# commits, a worker thread checkpoints instead (PASSIVE, as SQLite's automatic checkpoint is).
_no_wait: weakref.WeakKeyDictionary[Engine, dict[int, Any]] = weakref.WeakKeyDictionary()
_no_wait_lock = threading.Lock()
CHECKPOINT_EVERY = 100
_checkpoints: weakref.WeakKeyDictionary[Engine, tuple[int, Future[None] | None]] = weakref.WeakKeyDictionary()
_checkpointer: ThreadPoolExecutor | None = None


def _no_wait_connection(engine: Engine) -> Any:
    thread = threading.get_ident()
    per_thread = _no_wait.get(engine)
    raw = per_thread.get(thread) if per_thread is not None else None
    if raw is None:
        raw = engine.raw_connection()
        raw.detach()  # its own from now on: closed, not returned, when dropped
        cursor = raw.cursor()
        cursor.execute("PRAGMA busy_timeout=0")
        cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()
        with _no_wait_lock:
            _no_wait.setdefault(engine, {})[thread] = raw
    return raw


def _committed_without_waiting(engine: Engine) -> None:
    """Count a commit of a no-wait connection; every ``CHECKPOINT_EVERY``, checkpoint in a worker thread."""
    global _checkpointer
    with _no_wait_lock:
        commits, running = _checkpoints.get(engine, (0, None))
        commits += 1
        if commits >= CHECKPOINT_EVERY and (running is None or running.done()):
            if _checkpointer is None:
                _checkpointer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mokmin-checkpoint")
            commits, running = 0, _checkpointer.submit(_checkpoint, engine)
        _checkpoints[engine] = (commits, running)  # commits since the last checkpoint, the one running


def _checkpoint(engine: Engine) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        cursor.close()
    except Exception as exc:  # the next one tries again; SQLite stays consistent either way
        log.warning("WAL checkpoint failed: %s", type(exc).__name__)
    finally:
        raw.close()


def _forget_no_wait_connection(engine: Engine) -> None:
    with _no_wait_lock:
        raw = _no_wait.get(engine, {}).pop(threading.get_ident(), None)
    if raw is not None:
        raw.close()


def _begin_immediate(work: DirectWrite) -> None:
    try:
        work.cursor.execute("BEGIN IMMEDIATE")
    except work.dialect.loaded_dbapi.OperationalError as exc:
        if not _MAY_WAIT.get() and ("locked" in str(exc) or "busy" in str(exc)):
            raise WriteWouldWait("database locked by another writer") from exc
        raise work._translated(exc, "BEGIN IMMEDIATE", ()) from exc


def _abandon(raw: Any, cursor: Any, dialect: Dialect, error: BaseException) -> bool:
    """Roll back after ``error``; False when the error (or the rollback) shows the connection to be dead, which
    is then invalidated."""
    orig: Any = error.orig if isinstance(error, DBAPIError) else None
    try:
        if orig is None or not dialect.is_disconnect(orig, raw.dbapi_connection, cursor):
            cursor.close()
            raw.rollback()
            return True
    except Exception:  # noqa: S110 - the original error is what the caller must see
        pass
    raw.invalidate()
    return False


def run(db: Session | DirectWrite, statement: DirectStatement, values: Mapping[str, Any]) -> None:
    """Execute ``statement`` in a session's transaction or in a direct write, whichever the caller holds."""
    if isinstance(db, DirectWrite):
        db.run(statement, values)
    else:
        db.connection().execute(statement.statement, values)


def run_many(db: Session | DirectWrite, statement: DirectStatement, rows: Sequence[Mapping[str, Any]]) -> int:
    """Execute ``statement`` once per row in either kind of transaction; returns the rows changed in all."""
    if isinstance(db, DirectWrite):
        return db.run_many(statement, rows)
    return int(db.connection().execute(statement.statement, rows).rowcount)
