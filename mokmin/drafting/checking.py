"""The standalone checker (``/drafts/check``): a document written by hand, pasted or uploaded, checked with the
same rules as generated drafts.

Uploaded Word and HWPX files are read with the knowledge base's parsers, which are built for hostile files
(zip bombs, XML entities, time budget); plain text and Markdown are decoded as they are, so that line numbers
in the report match the file. Nothing here calls a model or touches the database.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from pydantic import BaseModel

from mokmin.core.errors import TooLarge, ValidationFailed
from mokmin.drafting.check import CheckReport, check_text, markdown_to_text
from mokmin.drafting.conventions import Language
from mokmin.drafting.doctypes import DOC_TYPES, get_doc_type
from mokmin.drafting.draft import AiLabel
from mokmin.knowledge import parse_document

__all__ = [
    "EXTENSIONS",
    "MAX_FILE_BYTES",
    "MAX_TEXT_CHARS",
    "CheckedDocument",
    "check_document",
    "text_of_file",
]

TEXT_EXTENSIONS = frozenset({".txt", ".md", ".markdown"})
EXTENSIONS = TEXT_EXTENSIONS | {".docx", ".hwpx"}
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_TEXT_CHARS = 100_000
# Words the document's own form puts there, never a fact to confirm: the statutory AI label (its 제31조), the
# embargo line, and the copy count of attachments (``1부``).
BOILERPLATE = (
    AiLabel(model="", language="ko").text,
    AiLabel(model="", language="en").text,
    "보도 시점 (엠바고) 붙임 1부",
)


@dataclass(frozen=True)
class CheckedDocument:
    """The report and the text it speaks of, one entry per line (the report's line numbers count from 1)."""

    report: CheckReport
    lines: list[str]

    def lines_with_findings(self) -> set[int]:
        return {finding.line for finding in [*self.report.conventions, *self.report.inventions]}


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed("drafting.checker.error.encoding")


def text_of_file(data: bytes, filename: str) -> str:
    """The text of an uploaded .txt, .md, .docx or .hwpx file."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in EXTENSIONS:
        raise ValidationFailed("drafting.checker.error.file_type", name=PurePath(filename).name[:80])
    if len(data) > MAX_FILE_BYTES:
        raise TooLarge("drafting.checker.error.too_large", limit=MAX_FILE_BYTES // (1024 * 1024))
    if suffix in TEXT_EXTENSIONS:
        return _decode(data).replace("\r\n", "\n")
    # The knowledge parser vets the file (zip bomb, XML entities, time budget; DocumentRejected says what is
    # wrong), but it folds runs of spaces, and spacing is what the checker checks (2타 indents, ``  끝.``):
    # once the file is known to be safe, its text is read again as written.
    parse_document(data, filename)
    text = _docx_text(data) if suffix == ".docx" else _hwpx_text(data)
    if not text.strip():
        raise ValidationFailed("drafting.checker.error.file_unreadable", name=PurePath(filename).name[:80])
    return text


def _cells(cells: list[str]) -> str:
    """A table row as the checker reads rows of generated drafts: non-empty cells joined by `` | ``."""
    return " | ".join(cell.strip() for cell in cells if cell.strip())


def _docx_text(data: bytes) -> str:
    from docx import Document
    from docx.table import Table

    lines: list[str] = []
    for item in Document(io.BytesIO(data)).iter_inner_content():
        if isinstance(item, Table):
            lines += [_cells([cell.text for cell in row.cells]) for row in item.rows]
        else:
            lines.append(item.text)
    return "\n".join(lines)


def _hwpx_text(data: bytes) -> str:
    from hwpx import HwpxDocument

    plain: str = HwpxDocument.open(data).text.plain()
    return "\n".join(_cells(line.split("\t")) if "\t" in line else line for line in plain.splitlines())


def parse_facts_json(raw: str, doc_type: str | None) -> BaseModel | dict[str, Any] | None:
    """Facts given as JSON: validated as the type's facts when the type is known (so dates count as dates)."""
    if not raw.strip():
        return None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(
            "drafting.checker.error.facts_json", reason=f"{exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    if not isinstance(data, dict):
        raise ValidationFailed("drafting.checker.error.facts_object")
    if doc_type is not None:
        return get_doc_type(doc_type).parse(data)  # FactsInvalid names every impossible fact
    return data


def check_document(
    text: str,
    *,
    doc_type: str | None = None,
    language: Language | None = None,
    facts_json: str = "",
    notes: str = "",
) -> CheckedDocument:
    """Check a hand-written document; *doc_type* and *language* are detected when not given."""
    if not text.strip():
        raise ValidationFailed("drafting.checker.error.empty")
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationFailed("drafting.checker.error.too_long", limit=MAX_TEXT_CHARS)
    kind = doc_type if doc_type in DOC_TYPES else None
    facts = parse_facts_json(facts_json, kind)
    if facts is not None or notes.strip():
        notes = "\n".join([notes, *BOILERPLATE])
    report = check_text(text, facts=facts, doc_type=kind, language=language, notes=notes)
    return CheckedDocument(report, markdown_to_text(text).splitlines())
