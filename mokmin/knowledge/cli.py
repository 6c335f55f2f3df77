"""``mokmin kb``: add documents to the knowledge base and search it from a terminal.

``add`` indexes each file in its own transaction, so one broken or hostile file fails alone with its reason
and the others go on. ``search --batch`` lets any team measure search on its own questions: JSON lines
``{"qid", "question"}`` in, ``{"qid", "results": [{"doc", "chunk", "score"}]}`` out. Every search runs as a
named user and sees only what that user may read.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from mokmin.core.db import make_engine, make_sessionmaker, transaction
from mokmin.core.errors import MokminError
from mokmin.core.models import Department, User
from mokmin.knowledge.index import IndexOutcome, Ownership, ingest_bytes
from mokmin.knowledge.models import Audience, DataLevel
from mokmin.knowledge.safety import DEFAULT_LIMITS, check_size
from mokmin.knowledge.search import Reader, search

app = typer.Typer(
    help="지식베이스: 문서 등록과 검색 (knowledge base: add and search documents)", no_args_is_help=True
)
console = Console(stderr=True)

DEFAULT_DATABASE_URL = "sqlite:///var/mokmin.db"
DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url", help="데이터베이스 주소 (기본: MOKMIN_DATABASE_URL 또는 sqlite:///var/mokmin.db)"
    ),
]
_OUTCOME_TEXT = {
    IndexOutcome.CREATED: "등록",
    IndexOutcome.NEW_VERSION: "새 판",
    IndexOutcome.UNCHANGED: "변경 없음",
}


def open_sessions(database_url: str | None) -> sessionmaker[Session]:
    """Sessions on the given database, the environment's, or the embedded default."""
    url = database_url or os.environ.get("MOKMIN_DATABASE_URL") or DEFAULT_DATABASE_URL
    return make_sessionmaker(make_engine(url))


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]{message}[/red]")
    return typer.Exit(code=1)


@dataclass(frozen=True, slots=True)
class _AddOptions:
    department_id: int
    level: DataLevel
    audience: Audience
    readers: tuple[int, ...]
    user: int | None


def _ownership(session: Session, options: _AddOptions) -> Ownership:
    department = session.get(Department, options.department_id)
    if department is None:
        raise _fail(f"부서 {options.department_id}을(를) 찾을 수 없습니다.")
    return Ownership(
        department.institution_id,
        department.id,
        options.level,
        options.audience,
        options.readers,
        options.user,
    )


def _add_one(sessions: sessionmaker[Session], path: Path, options: _AddOptions) -> str:
    check_size(path.stat().st_size, DEFAULT_LIMITS)
    data = path.read_bytes()
    with transaction(sessions) as session:
        result = ingest_bytes(session, data, path.name, _ownership(session, options))
    outcome = _OUTCOME_TEXT[result.outcome]
    return f"{outcome} · 문서 {result.document_id} · {result.version}판 · 조각 {result.chunk_count}개"


@app.command("add")
def add(
    paths: Annotated[
        list[Path], typer.Argument(exists=True, dir_okay=False, readable=True, help="등록할 파일")
    ],
    department: Annotated[int, typer.Option("--department", help="소유 부서 ID")],
    level: Annotated[
        DataLevel, typer.Option("--level", help="자료 등급 O(공개)/S(민감)/C(기밀)")
    ] = DataLevel.OPEN,
    audience: Annotated[
        Audience,
        typer.Option(
            "--audience", help="열람 범위: institution(기관 전체)/department(부서)/users(지정 사용자)"
        ),
    ] = Audience.DEPARTMENT,
    reader: Annotated[
        list[int] | None, typer.Option("--reader", help="열람 사용자 ID (audience=users)")
    ] = None,
    user: Annotated[int | None, typer.Option("--user", help="올린 사람의 사용자 ID")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Index files (HWPX, HWP, PDF, DOCX, HTML, Markdown, text); each file succeeds or fails on its own."""
    sessions = open_sessions(database_url)
    options = _AddOptions(department, level, audience, tuple(reader or ()), user)
    failures = 0
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("문서 등록", total=len(paths))
        for path in paths:
            try:
                outcome = _add_one(sessions, path, options)
                progress.console.print(f"[green]✓[/green] {path.name}: {outcome}")
            except MokminError as exc:
                failures += 1
                progress.console.print(f"[red]✗[/red] {path.name}: {exc.message}")
            except (OperationalError, ProgrammingError) as exc:
                raise _fail(
                    "데이터베이스가 준비되지 않았습니다. `mokmin db upgrade`를 먼저 실행하세요."
                ) from exc
            progress.advance(task)
    if failures:
        raise _fail(f"{len(paths)}개 중 {failures}개를 등록하지 못했습니다.")


def _reader(session: Session, user_id: int, max_level: DataLevel) -> Reader:
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise _fail(f"사용자 {user_id}을(를) 찾을 수 없습니다.")
    return Reader(user.id, user.department_id, user.institution_id, max_level)


def _run_batch(session: Session, reader: Reader, source: TextIO, out: TextIO, limit: int) -> int:
    count = 0
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            qid, question = item["qid"], str(item["question"])
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise _fail(f'{number}번째 줄이 {{"qid", "question"}} 형식이 아닙니다.') from exc
        hits = search(session, reader, question, limit=limit)
        results = [
            {"doc": hit.document_id, "chunk": hit.chunk_id, "score": round(hit.score, 6)} for hit in hits
        ]
        out.write(json.dumps({"qid": qid, "results": results}, ensure_ascii=False) + "\n")
        count += 1
    return count


def _print_hits(session: Session, reader: Reader, query: str, limit: int) -> None:
    hits = search(session, reader, query, limit=limit)
    if not hits:
        console.print("찾은 내용이 없습니다.")
        return
    table = Table("점수", "문서", "조각", "출처", "내용")
    for hit in hits:
        table.add_row(
            f"{hit.score:.3f}",
            str(hit.document_id),
            str(hit.chunk_id),
            hit.reference,
            hit.text[:80].replace("\n", " "),
        )
    Console().print(table)


@app.command("search")
def search_command(
    user: Annotated[int, typer.Option("--user", help="검색하는 사용자 ID (그 사람이 볼 수 있는 문서만)")],
    query: Annotated[str | None, typer.Argument(help="질문 또는 검색어")] = None,
    batch: Annotated[
        Path | None, typer.Option("--batch", exists=True, dir_okay=False, help="질문 JSONL")
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", help="배치 결과 JSONL (기본: 표준 출력)")] = None,
    max_level: Annotated[
        DataLevel, typer.Option("--max-level", help="열람 가능한 최고 등급")
    ] = DataLevel.OPEN,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100)] = 10,
    database_url: DatabaseUrl = None,
) -> None:
    """Search as a given user; with --batch, answer a JSONL file of questions."""
    if (query is None) == (batch is None):
        raise _fail("검색어 또는 --batch 파일 가운데 하나만 주세요.")
    sessions = open_sessions(database_url)
    with sessions() as session:
        reader = _reader(session, user, max_level)
        if batch is None:
            _print_hits(session, reader, query or "", limit)
            return
        with batch.open(encoding="utf-8") as source:
            if output is None:
                count = _run_batch(session, reader, source, typer.get_text_stream("stdout"), limit)
            else:
                with output.open("w", encoding="utf-8") as out:
                    count = _run_batch(session, reader, source, out, limit)
        console.print(f"질문 {count}개에 답했습니다.")


@app.command("worker")
def worker(
    threads: Annotated[int, typer.Option("--threads", min=1, max=32, help="동시에 처리할 작업 수")] = 1,
    database_url: DatabaseUrl = None,
) -> None:
    """Run queued ingestion jobs (huey consumer) until interrupted; start as many as the load needs."""
    from mokmin.core.settings import get_settings
    from mokmin.knowledge.queue import QUEUE_FILE, JobQueue, build_runner, make_huey
    from mokmin.knowledge.settings import knowledge_settings

    settings = get_settings()
    sessions = open_sessions(database_url or settings.database_url)
    huey = make_huey(settings)
    JobQueue(huey, build_runner(settings, sessions, knowledge_settings()))
    where = "Redis" if settings.redis_url else str(settings.data_dir / QUEUE_FILE)
    console.print(f"문서 등록 작업을 기다립니다 ({where}, 작업자 {threads}개). 멈추려면 Ctrl+C.")
    huey.create_consumer(workers=threads, worker_type="thread").run()
