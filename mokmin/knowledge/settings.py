"""Knobs of the knowledge base, read from ``MOKMIN_KB_*`` (one settings class per concern).

Where ingestion jobs run (``MOKMIN_KB_WORKER``):

* ``thread`` — a consumer thread inside the web process (the embedded default: nothing else to start);
* ``external`` — the web process only enqueues; ``mokmin kb worker`` processes run the jobs (scale-out);
* ``immediate`` — each job runs inside the request that queued it (tests, scripts).

Left unset, it is ``immediate`` when ``MOKMIN_ENV=test`` and ``thread`` otherwise. The queue itself is huey:
an SQLite file under ``MOKMIN_DATA_DIR`` by default, Redis when ``MOKMIN_REDIS_URL`` is set.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from mokmin.core.settings import Settings

WorkerMode = Literal["thread", "external", "immediate"]


class KnowledgeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MOKMIN_KB_", env_file=".env", extra="ignore")

    worker: WorkerMode | None = None
    worker_threads: int = Field(default=1, ge=1, le=32)
    # A parse runs in a child process: at most this much memory on top of what the process already maps,
    # and this much wall-clock time (the parsers' own cooperative budget is 120 s).
    parse_memory_mb: int = Field(default=1024, ge=64, le=64 * 1024)
    parse_timeout_s: float = Field(default=150.0, gt=0, le=3600)
    # Which model embeds chunks and queries; unset = the first model of the first embedding-capable provider.
    embedding_model: str | None = None
    embedding_batch: int = Field(default=64, ge=1, le=2048)

    def worker_mode(self, settings: Settings) -> WorkerMode:
        if self.worker is not None:
            return self.worker
        return "immediate" if settings.env == "test" else "thread"


def knowledge_settings() -> KnowledgeSettings:
    """Built on demand, never at import time, so tests and workers can set the environment first."""
    return KnowledgeSettings()
