"""Shared fixtures: databases on both backends, rolled-back sessions, the app and signed-in clients."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from mokmin.core.settings import Settings
from tests.fixtures.databases import PG_SCHEMA, migrated_postgres, migrated_sqlite


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """Cheap argon2 parameters in tests only: dozens of demo users are hashed per test run."""
    from argon2 import PasswordHasher

    from mokmin.core import security

    original = security._hasher
    security._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    security._hasher = original


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(scope="session")
def _engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Engine]]:
    engines: dict[str, Engine] = {}
    yield engines
    for engine in engines.values():
        engine.dispose()


def engine_fixture(pg_schema: str = PG_SCHEMA, sqlite_key: str = "sqlite") -> Any:
    """An ``engine`` fixture over both backends, migrated once per session.

    A suite may ask for a PostgreSQL schema (and SQLite file) of its own, so that suites that reset another
    schema, or commit real work from threads, never disturb each other.
    """

    @pytest.fixture(params=BACKENDS)
    def engine(
        request: pytest.FixtureRequest, _engines: dict[str, Engine], tmp_path_factory: pytest.TempPathFactory
    ) -> Engine:
        key = sqlite_key if request.param == "sqlite" else pg_schema
        if key not in _engines:
            if request.param == "sqlite":
                _engines[key] = migrated_sqlite(tmp_path_factory.mktemp(key))
            else:
                _engines[key] = migrated_postgres(pg_schema)
        return _engines[key]

    return engine


engine = engine_fixture()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    outer = conn.begin()
    try:
        yield conn
    finally:
        outer.rollback()
        conn.close()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    """Sessions whose commits become savepoints inside the test's outer transaction."""
    return sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture
def db(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    session = session_factory()
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        env="test",
        secret_key=SecretStr("test-secret-" + "x" * 40),
        data_dir=tmp_path,
        login_max_failures=3,
        _env_file=None,
    )  # type: ignore[call-arg]


@pytest.fixture
def app(settings: Settings, engine: Engine, session_factory: sessionmaker[Session]) -> FastAPI:
    from mokmin.web.app import create_app

    return create_app(settings, engine, session_factory)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.fixture
def demo(db: Session, settings: Settings) -> Session:
    from mokmin.core.demo import load_demo

    load_demo(db, settings)
    db.commit()
    return db


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(client: TestClient, path: str = "/login") -> str:
    page = client.get(path, headers={"accept": "text/html"})
    match = CSRF_RE.search(page.text)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = "mokmin-demo-2026") -> None:
    token = csrf_of(client)
    response = client.post(
        "/login",
        data={"csrf_token": token, "username": username, "password": password},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


@pytest.fixture
def staff_client(client: TestClient, demo: Session) -> TestClient:
    sign_in(client, "press1")
    return client


@pytest.fixture
def admin_client(client: TestClient, demo: Session) -> TestClient:
    sign_in(client, "admin")
    return client
