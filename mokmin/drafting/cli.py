"""``mokmin draft``: batch drafting and checking from the terminal.

    mokmin draft TYPE --schema
    mokmin draft TYPE --facts FACTS.json [--notes FILE] [--model NAME] [--format md|hwpx|docx|pdf] [-o OUT]
    mokmin draft check FILE [--facts FACTS.json] [--notes FILE]

TYPE and ``check`` share the first position, so the app is one callback that dispatches on it (a Typer group
with a ``check`` subcommand could not also take a free TYPE argument). Exit codes: 0 fine, 1 the check found
problems, 2 the input was refused.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from mokmin.drafting.check import check_draft, check_text
from mokmin.drafting.doctypes import DOC_TYPES, get_doc_type
from mokmin.drafting.doctypes.base import DocType
from mokmin.drafting.draft import Draft
from mokmin.drafting.errors import FactsInvalid, UnknownDocType
from mokmin.drafting.export import EXPORTERS, Letterhead
from mokmin.drafting.facts import DocFacts
from mokmin.drafting.render import default_writer, render

app = typer.Typer(
    help="공문서 초안 작성·점검 (Draft and check Korean public documents).",
    context_settings={"allow_interspersed_args": True},
    add_completion=False,
)


class Format(StrEnum):
    """Export formats offered on the command line."""

    md = "md"
    hwpx = "hwpx"
    docx = "docx"
    pdf = "pdf"


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise _fail(f"파일이 없습니다: {path}") from exc
    except json.JSONDecodeError as exc:
        raise _fail(f"JSON 형식이 아닙니다: {path} ({exc.lineno}행 {exc.colno}열)") from exc


def _read_text(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise _fail(f"파일이 없습니다: {path}") from exc


@app.callback(invoke_without_command=True)
def draft(
    doc_type: Annotated[
        str, typer.Argument(metavar="TYPE|check", help=f"문서 종류({', '.join(DOC_TYPES)}) 또는 check")
    ],
    file: Annotated[Path | None, typer.Argument(help="check: 점검할 Markdown·텍스트 파일")] = None,
    schema: Annotated[bool, typer.Option("--schema", help="사실 입력 JSON 스키마를 출력")] = False,
    facts: Annotated[Path | None, typer.Option("--facts", help="사실 JSON 파일")] = None,
    notes: Annotated[Path | None, typer.Option("--notes", help="메모(자료) 텍스트 파일")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="내보낼 형식")] = Format.md,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="저장할 파일")] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="본문을 쓸 모델(생략하면 쓸 수 있는 첫 모델)")
    ] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="모델 없이 사실만으로 본문 자리를 채움(점검·양식 확인용)")
    ] = False,
    letterhead: Annotated[Path | None, typer.Option("--letterhead", help="기관 레터헤드 JSON")] = None,
) -> None:
    """Draft a document of TYPE from facts, print its facts schema, or check a document (``check FILE``)."""
    if doc_type == "check":
        _check(file, facts, notes)
        return
    try:
        kind = get_doc_type(doc_type)
    except UnknownDocType as exc:
        raise _fail(exc.message) from exc
    if schema:
        typer.echo(json.dumps(kind.json_schema(), ensure_ascii=False, indent=2))
        return
    if facts is None:
        raise _fail("--facts FACTS.json 또는 --schema 를 주세요.")
    try:
        parsed = kind.parse(_read_json(facts))
    except FactsInvalid as exc:
        lines = "\n".join(f"  - {problem.describe()}" for problem in exc.problems)
        raise _fail(f"입력한 사실을 확인해 주세요:\n{lines}") from exc
    head = Letterhead.model_validate(_read_json(letterhead)) if letterhead else None
    note_text = _read_text(notes)
    if offline:
        result = render(kind, parsed, default_writer(), notes=note_text, model_name=model)
    else:
        result = draft_with_model(kind, parsed, notes=note_text, model=model)
    report = check_draft(result, parsed, notes=note_text)
    typer.echo(report.describe(), err=True)
    data = EXPORTERS[fmt.value](result, head)
    if output is None and fmt is Format.md:
        sys.stdout.write(data.decode("utf-8"))
        return
    target = output or Path(f"{kind.key}.{fmt.value}")
    target.write_bytes(data)
    typer.echo(f"저장했습니다: {target}", err=True)


def draft_with_model(kind: type[DocType], facts: DocFacts, *, notes: str, model: str | None) -> Draft:
    """Prose from a model through the governed path (guard, routing, usage, audit as user ``cli``), with a
    progress line per section; facts, headers and numbering stay code-rendered."""
    import anyio
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from mokmin.core import sealed
    from mokmin.core.db import make_engine, make_sessionmaker
    from mokmin.core.errors import MokminError
    from mokmin.core.settings import get_settings
    from mokmin.drafting.model_writer import GatewaySectionWriter
    from mokmin.gateway.routing import Caller
    from mokmin.gateway.service import Gateway

    settings = get_settings()
    sealed.configure(settings.secret_key)
    engine = make_engine(settings.database_url)
    gateway = Gateway(settings, make_sessionmaker(engine))
    caller = Caller(None, "cli", "admin", None, None)
    written: dict[str, int] = {}

    async def run() -> Draft:
        writer = GatewaySectionWriter(
            gateway, caller, model, kind.key, max_tokens=settings.draft_section_max_tokens
        )
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), transient=True) as progress:
            task = progress.add_task(f"{writer.model_name}: …")

            def on_chunk(section: str, text: str) -> None:
                written[section] = written.get(section, 0) + len(text)
                progress.update(task, description=f"{writer.model_name}: {section} ({written[section]}자)")

            try:
                return await anyio.to_thread.run_sync(
                    lambda: render(
                        kind, facts, writer, notes=notes, model_name=writer.model_name, on_chunk=on_chunk
                    )
                )
            finally:
                await gateway.aclose()

    try:
        return anyio.run(run)
    except MokminError as exc:
        raise _fail(exc.localized("ko")) from exc
    finally:
        engine.dispose()


def _check(file: Path | None, facts: Path | None, notes: Path | None) -> None:
    if file is None:
        raise _fail("점검할 파일을 주세요: mokmin draft check FILE")
    text = _read_text(file)
    raw_facts = _read_json(facts) if facts else None
    report = check_text(text, facts=raw_facts, notes=_read_text(notes))
    typer.echo(report.describe())
    if not report.ok:
        raise typer.Exit(1)
