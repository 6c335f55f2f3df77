"""The ingestion queue: huey carries job ids from whoever uploads to whoever runs them.

Storage is an SQLite file under ``MOKMIN_DATA_DIR`` (embedded) or Redis when ``MOKMIN_REDIS_URL`` is set
(many web and worker processes). Only job ids travel; everything else is in the database, so any worker on
any machine can run any job. Three ways to run the jobs (see :mod:`mokmin.knowledge.settings`): a consumer
thread in the web process (:class:`InProcessConsumer`, no signal handlers, so it can live beside uvicorn),
separate ``mokmin kb worker`` processes (huey's own consumer), or immediately in the caller.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from huey import Huey, RedisHuey, SqliteHuey
from sqlalchemy.orm import Session, sessionmaker

from mokmin.core.settings import Settings
from mokmin.knowledge.jobs import IngestRunner
from mokmin.knowledge.sandbox import MB
from mokmin.knowledge.settings import KnowledgeSettings, WorkerMode
from mokmin.knowledge.vectors import GatewayEmbedder

log = logging.getLogger("mokmin.knowledge.queue")

QUEUE_NAME = "mokmin-kb"
TASK_NAME = "kb.ingest"
QUEUE_FILE = "kb-jobs.sqlite3"


def make_huey(settings: Settings, *, immediate: bool = False) -> Huey:
    """The queue for this configuration (``immediate`` runs tasks in the caller, with in-memory storage)."""
    if settings.redis_url:
        return RedisHuey(QUEUE_NAME, url=settings.redis_url, results=False, immediate=immediate)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(
        QUEUE_NAME, filename=str(settings.data_dir / QUEUE_FILE), results=False, immediate=immediate
    )


class JobQueue:
    """Enqueue ingestion job ids on ``huey``; the registered task hands each id to ``runner``."""

    def __init__(self, huey: Huey, runner: IngestRunner) -> None:
        self.huey = huey
        self.runner = runner
        self._task = huey.task(name=TASK_NAME)(self._run)

    def _run(self, job_id: int) -> None:
        self.runner.run(job_id)

    def enqueue(self, job_id: int) -> None:
        self._task(job_id)

    def pending(self) -> int:
        """Tasks waiting in the queue storage (not counting one being run)."""
        return int(self.huey.pending_count())


class InProcessConsumer:
    """Worker threads that drain the queue inside the current process, polling with backoff when idle."""

    def __init__(
        self, huey: Huey, threads: int = 1, *, min_wait: float = 0.05, max_wait: float = 2.0
    ) -> None:
        self.huey = huey
        self.min_wait, self.max_wait = min_wait, max_wait
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._loop, name=f"mokmin-kb-worker-{n}", daemon=True)
            for n in range(1, threads + 1)
        ]

    def start(self) -> InProcessConsumer:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the threads to stop after their current job and wait for them."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)

    @property
    def running(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    def _loop(self) -> None:
        wait = self.min_wait
        while not self._stop.is_set():
            try:
                task = self.huey.dequeue()
                if task is None:
                    self._stop.wait(wait)
                    wait = min(wait * 1.5, self.max_wait)
                    continue
                wait = self.min_wait
                self.huey.execute(task)
            except Exception as exc:  # the queue storage failed: keep the thread alive, try again later
                log.error("knowledge queue error: %s", type(exc).__name__)
                self._stop.wait(self.max_wait)


@dataclass
class KnowledgeJobs:
    """The queue of one process and, in ``thread`` mode, the consumer running beside it."""

    queue: JobQueue
    mode: WorkerMode
    consumer: InProcessConsumer | None = None

    def stop(self) -> None:
        if self.consumer is not None:
            self.consumer.stop()
            self.consumer = None


def build_runner(
    settings: Settings, sessions: sessionmaker[Session], knowledge: KnowledgeSettings
) -> IngestRunner:
    embedder = GatewayEmbedder(settings, sessions, knowledge.embedding_model, knowledge.embedding_batch)
    return IngestRunner(
        sessions,
        embedder=embedder,
        memory_bytes=knowledge.parse_memory_mb * MB,
        timeout_s=knowledge.parse_timeout_s,
    )


def start_jobs(
    settings: Settings,
    sessions: sessionmaker[Session],
    knowledge: KnowledgeSettings,
    mode: WorkerMode | None = None,
) -> KnowledgeJobs:
    """The queue for this process, with its consumer thread started when the mode says so."""
    mode = mode or knowledge.worker_mode(settings)
    huey = make_huey(settings, immediate=mode == "immediate")
    jobs = KnowledgeJobs(JobQueue(huey, build_runner(settings, sessions, knowledge)), mode)
    if mode == "thread":
        jobs.consumer = InProcessConsumer(huey, knowledge.worker_threads).start()
    return jobs
