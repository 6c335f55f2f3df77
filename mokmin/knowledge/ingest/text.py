"""Plain text and Markdown: headings from ``#`` lines (Markdown) or from visible numbering (plain text).

Korean text files still arrive in CP949 from older systems, so decoding tries UTF-8 first, then CP949.
A form feed separates pages, as ``pdftotext`` writes them.
"""

from __future__ import annotations

import re

from mokmin.knowledge.errors import BrokenDocument
from mokmin.knowledge.ingest.base import Block, BlockKind, DocumentFormat, ParsedDocument, heading, paragraph
from mokmin.knowledge.ingest.outline import classify_lines
from mokmin.knowledge.safety import Deadline, Limits, check_text_length

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_MD_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}")


def decode_text(data: bytes) -> str:
    """Decode bytes of unknown encoding: BOMs, then UTF-8, then CP949 (which covers EUC-KR)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BrokenDocument("글자 인코딩을 알 수 없는 텍스트 파일입니다(UTF-8 또는 CP949로 저장해 주세요).")


def _first_heading(blocks: list[Block]) -> str:
    return next((block.text for block in blocks if block.kind == "heading"), "")


def parse_text(data: bytes, limits: Limits, deadline: Deadline) -> ParsedDocument:
    text = decode_text(data)
    check_text_length(len(text), limits)
    pages = text.split("\f")
    blocks: list[Block] = []
    for number, page in enumerate(pages, start=1):
        deadline.check()
        lines: list[str] = []
        for line in [*page.splitlines(), ""]:
            if line.strip():
                lines.append(line)
                continue
            blocks.extend(classify_lines(lines, number if len(pages) > 1 else None))
            lines = []
    return ParsedDocument(
        _first_heading(blocks), DocumentFormat.TEXT, blocks, len(pages) if len(pages) > 1 else None
    )


def _markdown_table(lines: list[str]) -> str:
    rows = [line.strip().strip("|").split("|") for line in lines if not _MD_TABLE_RULE.match(line.strip())]
    return "\n".join(" | ".join(cell.strip() for cell in row) for row in rows)


def parse_markdown(data: bytes, limits: Limits, deadline: Deadline) -> ParsedDocument:
    text = decode_text(data)
    check_text_length(len(text), limits)
    blocks: list[Block] = []
    pending: list[str] = []
    table: list[str] = []

    def flush() -> None:
        if pending:
            blocks.append(paragraph(" ".join(part.strip() for part in pending)))
            pending.clear()
        if table:
            blocks.append(Block(BlockKind.TABLE, _markdown_table(table)))
            table.clear()

    for number, line in enumerate(text.splitlines()):
        if number % 1000 == 0:
            deadline.check()
        match = _MD_HEADING.match(line)
        if match:
            flush()
            blocks.append(heading(match.group(2), len(match.group(1))))
        elif line.lstrip().startswith("|"):
            if pending:
                blocks.append(paragraph(" ".join(pending)))
                pending.clear()
            table.append(line)
        elif line.strip():
            if table:
                flush()
            pending.append(
                line.strip().lstrip("-*+ ").strip() if line.lstrip()[:2] in {"- ", "* ", "+ "} else line
            )
        else:
            flush()
    flush()
    return ParsedDocument(_first_heading(blocks), DocumentFormat.MARKDOWN, blocks)
