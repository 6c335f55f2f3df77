"""Drafting tests migrate PostgreSQL into a schema of their own (``mokmin_test_drafting``), so that other suites
dropping the shared ``mokmin_test`` schema at the same time never pull it from under these tests."""

from __future__ import annotations

from tests.conftest import engine_fixture

PG_SCHEMA = "mokmin_test_drafting"


engine = engine_fixture(PG_SCHEMA)
