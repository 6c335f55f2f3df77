"""``mokmin provider`` and ``mokmin budget`` against a real SQLite file and a fake upstream."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mokmin.cli import app
from mokmin.core.db import make_engine, make_sessionmaker, transaction
from mokmin.core.settings import get_settings
from mokmin.gateway import catalog
from mokmin.gateway.models import BudgetRule, ProviderRecord
from tests.fixtures.fake_upstreams import FakeUpstream, fake_upstream

runner = CliRunner()


@pytest.fixture(scope="module")
def upstream() -> Iterator[FakeUpstream]:
    with fake_upstream(api_key="sk-upstream-secret") as server:
        yield server


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--database-url", url]).exit_code == 0
    assert runner.invoke(app, ["demo", "load", "--database-url", url]).exit_code == 0
    return url


def _records(url: str) -> list[ProviderRecord]:
    with transaction(make_sessionmaker(make_engine(url))) as db:
        return list(db.query(ProviderRecord).order_by(ProviderRecord.name))


def test_demo_load_registers_the_embedded_default(db_url: str) -> None:
    assert [r.name for r in _records(db_url)] == ["embedded"]


def test_add_list_test_remove(db_url: str, upstream: FakeUpstream, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPSTREAM_KEY", "sk-upstream-secret")
    added = runner.invoke(
        app,
        ["provider", "add", "city-gpt", "--kind", "openai-compatible", "--locality", "local", "--max-level", "S",
         "--base-url", upstream.openai_base_url, "--api-key-env", "UPSTREAM_KEY",
         "--model", "fake-gpt:4096:1.5:6", "--database-url", db_url],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    record = next(r for r in _records(db_url) if r.name == "city-gpt")
    assert record.sealed_api_key and "sk-upstream-secret" not in record.sealed_api_key
    assert "sk-upstream-secret" not in str(record.config)
    listing = runner.invoke(app, ["provider", "list", "--database-url", db_url], env={"COLUMNS": "250"})
    assert "city-gpt" in listing.output and "sk-upstream-secret" not in listing.output
    tested = runner.invoke(app, ["provider", "test", "city-gpt", "--database-url", db_url])
    assert tested.exit_code == 0, tested.output
    removed = runner.invoke(app, ["provider", "remove", "city-gpt", "--database-url", db_url])
    assert removed.exit_code == 0 and [r.name for r in _records(db_url)] == ["embedded"]


def test_secret_decrypts_only_with_the_same_key(
    db_url: str, upstream: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UPSTREAM_KEY", "sk-upstream-secret")
    runner.invoke(app, ["provider", "add", "ext", "--kind", "openai", "--base-url", upstream.openai_base_url,
                        "--api-key-env", "UPSTREAM_KEY", "--model", "fake-gpt", "--database-url", db_url])  # fmt: skip
    with transaction(make_sessionmaker(make_engine(db_url))) as db:
        secret = get_settings().secret_key.get_secret_value()
        loaded = {p.config.name: p for p in catalog.load(db, secret)}
        assert loaded["ext"].config.api_key is not None
        assert loaded["ext"].config.api_key.get_secret_value() == "sk-upstream-secret"
        with pytest.raises(ValueError, match="decrypt"):
            catalog.load(db, "another-secret-key")


def test_provider_test_reports_a_down_provider_clearly(db_url: str) -> None:
    runner.invoke(app, ["provider", "add", "down", "--kind", "openai-compatible", "--locality", "local",
                        "--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--database-url", db_url])  # fmt: skip
    result = runner.invoke(app, ["provider", "test", "down", "--database-url", db_url])
    assert result.exit_code == 1
    assert "down" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["provider", "add", "x", "--kind", "teleport", "--model", "m"],
        ["provider", "add", "x", "--kind", "openai-compatible", "--model", "m"],
        [
            "provider",
            "add",
            "x",
            "--kind",
            "openai",
            "--locality",
            "external",
            "--max-level",
            "C",
            "--model",
            "m",
        ],
        ["provider", "add", "x", "--kind", "openai", "--model", "m:not-a-number"],
        ["provider", "add", "x", "--kind", "openai", "--model", "m", "--api-key-env", "NOT_SET_ANYWHERE"],
        ["provider", "remove", "nothing"],
        ["budget", "set", "--monthly-tokens", "5"],
        ["budget", "set", "--user", "press1", "--monthly-cost", "lots"],
    ],
)
def test_bad_input_is_a_clear_error(db_url: str, args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--database-url", db_url])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output


def test_budget_set(db_url: str) -> None:
    ok = runner.invoke(app, ["budget", "set", "--department", "홍보담당관", "--monthly-tokens", "100000", "--rpm", "30",
                             "--database-url", db_url])  # fmt: skip
    assert ok.exit_code == 0, ok.output
    with transaction(make_sessionmaker(make_engine(db_url))) as db:
        rule = db.query(BudgetRule).one()
        assert (rule.scope, rule.monthly_tokens, rule.requests_per_minute) == ("department", 100000, 30)
