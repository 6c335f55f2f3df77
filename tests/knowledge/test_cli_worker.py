"""``mokmin kb worker``: a huey consumer over the configured queue, with the ingestion task registered."""

from __future__ import annotations

from typing import Any

import pytest
from huey.consumer import Consumer
from typer.testing import CliRunner

from mokmin.core.settings import get_settings
from mokmin.knowledge.cli import app
from mokmin.knowledge.queue import TASK_NAME


def test_worker_runs_a_consumer_with_the_ingest_task(tmp_path, monkeypatch: pytest.MonkeyPatch):
    seen: dict[str, Any] = {}

    def run(self: Consumer) -> None:
        seen["workers"] = self.workers
        seen["tasks"] = list(self.huey._registry._registry)

    monkeypatch.setattr(Consumer, "run", run)
    monkeypatch.setenv("MOKMIN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MOKMIN_REDIS_URL", raising=False)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["worker", "--threads", "2", "--database-url", "sqlite://"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert seen["workers"] == 2 and any(name.endswith(TASK_NAME) for name in seen["tasks"])
    assert (tmp_path / "kb-jobs.sqlite3").exists()
