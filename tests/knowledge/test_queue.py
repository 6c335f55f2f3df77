"""The huey queue: storage per configuration, immediate mode, and the real consumer thread end to end."""

from __future__ import annotations

import time
from pathlib import Path

from huey import RedisHuey, SqliteHuey
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from mokmin.core.db import make_sessionmaker, transaction
from mokmin.core.models import Department, Institution, User
from mokmin.core.settings import Settings
from mokmin.knowledge.index import Ownership
from mokmin.knowledge.jobs import create_job
from mokmin.knowledge.models import IngestJob, JobStatus
from mokmin.knowledge.queue import QUEUE_FILE, make_huey, start_jobs
from mokmin.knowledge.settings import KnowledgeSettings
from tests.fixtures.databases import migrated_sqlite
from tests.knowledge.files import rezip, sample_docx

PLAN = "# 주차장 운영 계획\n\n장애인 차량은 주차요금의 50%를 감면한다.\n".encode()


def _settings(tmp_path: Path, **kw: object) -> Settings:
    values: dict[str, object] = {"env": "test", "secret_key": SecretStr("s" * 40), "data_dir": tmp_path}
    return Settings(_env_file=None, **{**values, **kw})  # type: ignore[call-arg, arg-type]


def test_sqlite_storage_by_default_and_redis_when_configured(tmp_path):
    assert isinstance(make_huey(_settings(tmp_path)), SqliteHuey)
    assert (tmp_path / QUEUE_FILE).exists()
    assert isinstance(make_huey(_settings(tmp_path, redis_url="redis://127.0.0.1:1/0")), RedisHuey)


def test_the_mode_follows_the_environment(tmp_path):
    assert KnowledgeSettings(_env_file=None).worker_mode(_settings(tmp_path)) == "immediate"  # type: ignore[call-arg]
    production = _settings(tmp_path, env="development")
    assert KnowledgeSettings(_env_file=None).worker_mode(production) == "thread"  # type: ignore[call-arg]
    chosen = KnowledgeSettings(worker="external", _env_file=None)  # type: ignore[call-arg]
    assert chosen.worker_mode(production) == "external"


def _organisation(sessions: sessionmaker[Session]) -> Ownership:
    with transaction(sessions) as db:
        city = Institution(code="queue-city", name="큐시")
        db.add(city)
        db.flush()
        department = Department(institution_id=city.id, name="교통과")
        db.add(department)
        db.flush()
        user = User(username="queue-user", display_name="큐", department_id=department.id)
        db.add(user)
        db.flush()
        return Ownership(city.id, department.id, uploaded_by=user.id)


def _queued(sessions: sessionmaker[Session], ownership: Ownership, data: bytes, name: str) -> int:
    with transaction(sessions) as db:
        return create_job(db, data, name, ownership).id


def _status(sessions: sessionmaker[Session], job_id: int) -> IngestJob:
    with sessions() as db:
        job = db.get(IngestJob, job_id)
        assert job is not None
        return job


def test_the_consumer_thread_runs_queued_jobs_and_survives_a_hostile_one(tmp_path):
    engine = migrated_sqlite(tmp_path)
    sessions = make_sessionmaker(engine)
    ownership = _organisation(sessions)
    settings = _settings(tmp_path / "data")
    jobs = start_jobs(settings, sessions, KnowledgeSettings(_env_file=None), mode="thread")  # type: ignore[call-arg]
    try:
        assert jobs.consumer is not None and jobs.consumer.running
        bomb = rezip(sample_docx(), {}, extra={"word/bomb.bin": b"\x00" * (8 * 1024 * 1024)})
        ids = [
            _queued(sessions, ownership, bomb, "폭탄.docx"),
            _queued(sessions, ownership, PLAN, "plan.md"),
        ]
        for job_id in ids:
            jobs.queue.enqueue(job_id)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            states = [_status(sessions, job_id).status for job_id in ids]
            if all(state in (JobStatus.DONE, JobStatus.FAILED) for state in states):
                break
            time.sleep(0.1)
        hostile, good = (_status(sessions, job_id) for job_id in ids)
        assert (hostile.status, hostile.error_code) == (JobStatus.FAILED, "archive_bomb")
        assert good.status is JobStatus.DONE and good.document_id is not None
        assert jobs.queue.pending() == 0
    finally:
        jobs.stop()
        engine.dispose()
    assert jobs.consumer is None


def test_immediate_mode_runs_the_job_in_the_caller(tmp_path):
    engine = migrated_sqlite(tmp_path)
    sessions = make_sessionmaker(engine)
    ownership = _organisation(sessions)
    jobs = start_jobs(_settings(tmp_path / "data"), sessions, KnowledgeSettings(_env_file=None))  # type: ignore[call-arg]
    try:
        assert jobs.mode == "immediate" and jobs.consumer is None
        job_id = _queued(sessions, ownership, PLAN, "plan.md")
        jobs.queue.enqueue(job_id)
        assert _status(sessions, job_id).status is JobStatus.DONE
    finally:
        engine.dispose()
