"""``mokmin draft``: TYPE --schema, TYPE --facts, check FILE."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mokmin.drafting.cli import app
from tests.fixtures.drafting import LETTER, REPORT

runner = CliRunner()


def _facts(tmp_path: Path, data: dict[str, object]) -> Path:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_schema_prints_json_schema() -> None:
    result = runner.invoke(app, ["press_release", "--schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["properties"]["distributed_at"]["title"] == "배포 일시"


def test_draft_to_markdown_on_stdout(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "--facts", str(_facts(tmp_path, REPORT)), "--offline"])
    assert result.exit_code == 0
    assert "시립도서관 야간 개방 계획 (보고)" in result.stdout
    assert "관례 위반 0건" in result.stderr


def test_draft_to_hwpx_file(tmp_path: Path) -> None:
    out = tmp_path / "letter.hwpx"
    args = [
        "letter",
        "--facts",
        str(_facts(tmp_path, LETTER)),
        "--format",
        "hwpx",
        "-o",
        str(out),
        "--model",
        "m1",
        "--offline",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:2] == b"PK"


def test_invalid_facts_name_the_field(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["report", "--facts", str(_facts(tmp_path, {**REPORT, "report_date": "2026-02-31"}))]
    )
    assert result.exit_code == 2
    assert "보고일(report_date)" in result.stderr


def test_unknown_type_and_missing_facts() -> None:
    assert runner.invoke(app, ["poem", "--schema"]).exit_code == 2
    assert runner.invoke(app, ["letter"]).exit_code == 2


def test_check_file(tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text("일시: 2026. 11. 25.(수) 14:00\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(good)])
    assert result.exit_code == 0 and "관례 위반 0건" in result.output
    bad = tmp_path / "bad.txt"
    bad.write_text("일시: 2026. 11. 25.(목) 오후 2시\n방문객 1,500명\n", encoding="utf-8")
    facts = _facts(tmp_path, {"visitors": 1284})
    result = runner.invoke(app, ["check", str(bad), "--facts", str(facts)])
    assert result.exit_code == 1
    assert "[weekday]" in result.output and "[time-form]" in result.output and "1,500" in result.output


def test_draft_with_the_embedded_model_through_the_gateway(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real path: prose from the bundled model, with a usage event and an audit event for each section."""
    from sqlalchemy import select

    from mokmin.core.db import make_engine, make_sessionmaker, transaction
    from mokmin.core.migrate import upgrade
    from mokmin.core.settings import get_settings
    from mokmin.gateway import catalog
    from mokmin.gateway.embedded_engine import DEFAULT_MODEL_NAME
    from mokmin.gateway.models import UsageEvent
    from mokmin.guard import audit

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("MOKMIN_DATABASE_URL", url)
    monkeypatch.setenv("MOKMIN_DRAFT_SECTION_MAX_TOKENS", "16")
    get_settings.cache_clear()
    upgrade(url)
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    with transaction(factory) as db:
        catalog.ensure_default(db, get_settings().secret_key.get_secret_value())
    try:
        result = runner.invoke(app, ["report", "--facts", str(_facts(tmp_path, REPORT))])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "시립도서관 야간 개방 계획 (보고)" in result.stdout and DEFAULT_MODEL_NAME in result.stdout
    with transaction(factory) as db:
        events = list(db.scalars(select(UsageEvent)))
        assert events and all(e.purpose == "draft:report" and e.model == DEFAULT_MODEL_NAME for e in events)
        assert audit.verify(db) == (len(events), None)
    engine.dispose()
