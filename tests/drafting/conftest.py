"""Drafting tests migrate PostgreSQL into a schema of their own (``mokmin_test_drafting``), so that other suites
dropping the shared ``mokmin_test`` schema at the same time never pull it from under these tests."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tests.conftest import BACKENDS
from tests.fixtures.databases import migrated_postgres, migrated_sqlite

PG_SCHEMA = "mokmin_test_drafting"


@pytest.fixture(params=BACKENDS)
def engine(
    request: pytest.FixtureRequest, _engines: dict[str, Engine], tmp_path_factory: pytest.TempPathFactory
) -> Engine:
    backend: str = request.param
    key = "sqlite" if backend == "sqlite" else PG_SCHEMA
    if key not in _engines:
        if backend == "sqlite":
            _engines[key] = migrated_sqlite(tmp_path_factory.mktemp("sqlite"))
        else:
            _engines[key] = migrated_postgres(PG_SCHEMA)
    return _engines[key]
