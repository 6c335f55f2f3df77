"""``mokmin guard scan``: show a privacy officer what the detector finds, or score it on labelled data.

``scan FILE`` prints the text with findings highlighted and a table by type. ``scan --jsonl`` reads lines
``{"id", "text"}`` (from FILE or stdin) and writes ``{"id", "spans": [{"start", "end", "type", "score"}]}``
with Python string offsets, so anyone can evaluate the detector against their own labels.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from mokmin.guard.detect import DetectionFailed, detect
from mokmin.guard.spans import PiiType, Span

app = typer.Typer(help="개인정보 탐지 (personal-data detection)", no_args_is_help=True)

_STYLES: dict[PiiType, str] = {
    PiiType.PERSON: "bold black on yellow",
    PiiType.ADDRESS: "black on cyan",
    PiiType.PHONE: "black on green",
    PiiType.EMAIL: "black on green",
    PiiType.IP: "black on bright_blue",
    PiiType.VEHICLE_PLATE: "black on magenta",
}
_DEFAULT_STYLE = "bold white on red"


def _parse_types(types: str | None) -> set[str] | None:
    if not types:
        return None
    wanted = {t.strip().upper() for t in types.split(",") if t.strip()}
    unknown = wanted - {t.value for t in PiiType}
    if unknown:
        raise typer.BadParameter(f"알 수 없는 유형 (unknown type): {', '.join(sorted(unknown))}")
    return wanted


def _open(file: Path | None) -> TextIO:
    if file is None or str(file) == "-":
        return sys.stdin
    return file.open(encoding="utf-8", errors="replace")


def _scan_jsonl(source: TextIO, types: set[str] | None, threshold: float) -> int:
    errors = 0
    out = sys.stdout
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            text = record["text"]
            if not isinstance(text, str):
                raise TypeError("text is not a string")
        except (ValueError, KeyError, TypeError) as exc:
            typer.echo(f"{number}행: 잘못된 입력 (bad input line): {exc}", err=True)
            errors += 1
            continue
        spans = detect(text, types=types, threshold=threshold)
        out.write(
            json.dumps({"id": record.get("id"), "spans": [s.as_dict() for s in spans]}, ensure_ascii=False)
        )
        out.write("\n")
    return errors


def _highlight(text: str, spans: list[Span]) -> Text:
    rich_text = Text(text)
    for span in spans:
        rich_text.stylize(_STYLES.get(span.type, _DEFAULT_STYLE), span.start, span.end)
    return rich_text


def _report(console: Console, text: str, spans: list[Span]) -> None:
    console.print(_highlight(text, spans))
    table = Table(title=f"탐지 결과 (findings): {len(spans)}")
    table.add_column("위치 (offset)", justify="right")
    table.add_column("유형 (type)")
    table.add_column("값 (value)")
    table.add_column("점수 (score)", justify="right")
    for span in spans:
        table.add_row(
            f"{span.start}–{span.end}", span.type.value, text[span.start : span.end], f"{span.score:.2f}"
        )
    console.print(table)
    counts = Counter(span.type.value for span in spans)
    console.print(
        ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())) or "개인정보 없음 (none found)"
    )


@app.callback()
def guard() -> None:
    """개인정보 보호 도구 (privacy guard tools)."""


@app.command()
def scan(
    file: Annotated[Path | None, typer.Argument(help="text file ('-' or none: stdin)")] = None,
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help='lines {"id","text"} in, {"id","spans"} out')
    ] = False,
    types: Annotated[str | None, typer.Option(help="comma-separated types, e.g. RRN,PHONE")] = None,
    threshold: Annotated[float, typer.Option(min=0.0, max=1.0, help="minimum score")] = 0.5,
) -> None:
    """Find personal data in a text file (highlighted) or in JSON Lines records."""
    wanted = _parse_types(types)
    try:
        with _open(file) as source:
            if jsonl:
                errors = _scan_jsonl(source, wanted, threshold)
                raise typer.Exit(code=1 if errors else 0)
            text = source.read()
        spans = detect(text, types=wanted, threshold=threshold)
    except DetectionFailed as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(code=2) from exc
    except OSError as exc:
        typer.echo(f"파일을 읽을 수 없습니다 (cannot read file): {exc}", err=True)
        raise typer.Exit(code=2) from exc
    _report(Console(), text, spans)
