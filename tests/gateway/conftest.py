"""Gateway test fixtures: one fake upstream per session, reset before every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fixtures.fake_upstreams import FakeUpstream, start_fake_upstream


@pytest.fixture(scope="session")
def upstream_server() -> Iterator[FakeUpstream]:
    upstream = start_fake_upstream()
    yield upstream
    upstream.stop()


@pytest.fixture
def upstream(upstream_server: FakeUpstream) -> FakeUpstream:
    upstream_server.reset()
    return upstream_server
