"""DOCX through python-docx, after every XML part passed the zip and XML safety checks.

python-docx re-reads the package itself, so the vetting here (entry names, sizes, ratios, DTD-free XML) is
what bounds it. Heading styles (``Heading N``, ``제목 N``, ``Title``) give the outline; Word has no pages
until it lays text out, so DOCX blocks carry sections but no page numbers.
"""

from __future__ import annotations

import io
import re
import zipfile

from mokmin.knowledge.errors import BrokenDocument
from mokmin.knowledge.ingest.base import Block, BlockKind, DocumentFormat, ParsedDocument, table_text
from mokmin.knowledge.ingest.outline import classify_line
from mokmin.knowledge.safety import Deadline, Limits, SafeZip, check_text_length, parse_xml

_HEADING_STYLE = re.compile(r"^(?:heading|제목)\s*(\d)$", re.IGNORECASE)


def vet_office_zip(data: bytes, limits: Limits) -> SafeZip:
    """Open the zip safely and parse every XML part once with defusedxml (refuses DTDs and entities)."""
    archive = SafeZip(data, limits)
    for name in sorted(archive.names()):
        if name.endswith((".xml", ".rels")):
            parse_xml(archive.read(name), name)
    return archive


def _style_level(style_name: str) -> int | None:
    if style_name.lower() == "title":
        return 1
    match = _HEADING_STYLE.match(style_name.strip())
    return int(match.group(1)) if match else None


def _row_cells(row: object) -> list[str]:
    cells: list[str] = []
    for cell in row.cells:  # type: ignore[attr-defined]
        text = " ".join(cell.text.split())
        if not cells or text != cells[-1]:  # merged cells repeat their text
            cells.append(text)
    return cells


def parse_docx(data: bytes, limits: Limits, deadline: Deadline) -> ParsedDocument:
    vet_office_zip(data, limits)
    from docx import Document
    from docx.table import Table

    try:
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BrokenDocument(detail=f"docx: {exc}") from exc
    blocks: list[Block] = []
    chars = 0
    for item in document.iter_inner_content():
        deadline.check()
        if isinstance(item, Table):
            text = table_text([_row_cells(row) for row in item.rows])
            if text:
                blocks.append(Block(BlockKind.TABLE, text))
            chars += len(text)
        else:
            text = " ".join(item.text.split())
            if not text:
                continue
            level = _style_level(item.style.name if item.style is not None else "")
            blocks.extend([Block(BlockKind.HEADING, text, level=level)] if level else classify_line(text))
            chars += len(text)
        check_text_length(chars, limits)
    title = (document.core_properties.title or "").strip()
    if not title:
        title = next((b.text for b in blocks if b.kind == BlockKind.HEADING), "")
    return ParsedDocument(title, DocumentFormat.DOCX, blocks)
