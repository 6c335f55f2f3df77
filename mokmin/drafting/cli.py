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
from mokmin.drafting.errors import FactsInvalid, UnknownDocType
from mokmin.drafting.export import EXPORTERS, Letterhead
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
    model: Annotated[str | None, typer.Option("--model", help="AI 표시에 적을 모델 이름")] = None,
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
    result = render(kind, parsed, default_writer(), notes=note_text, model_name=model)
    report = check_draft(result, parsed, notes=note_text)
    typer.echo(report.describe(), err=True)
    data = EXPORTERS[fmt.value](result, head)
    if output is None and fmt is Format.md:
        sys.stdout.write(data.decode("utf-8"))
        return
    target = output or Path(f"{kind.key}.{fmt.value}")
    target.write_bytes(data)
    typer.echo(f"저장했습니다: {target}", err=True)


def _check(file: Path | None, facts: Path | None, notes: Path | None) -> None:
    if file is None:
        raise _fail("점검할 파일을 주세요: mokmin draft check FILE")
    text = _read_text(file)
    raw_facts = _read_json(facts) if facts else None
    report = check_text(text, facts=raw_facts, notes=_read_text(notes))
    typer.echo(report.describe())
    if not report.ok:
        raise typer.Exit(1)
