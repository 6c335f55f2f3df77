"""HWPX (OWPML, KS X 6101) read directly from its zip with defusedxml, never with a permissive parser.

Sections are ``Contents/section*.xml`` in numeric order. Paragraphs are ``hp:p`` with text in ``hp:t``;
tables are ``hp:tbl`` > ``hp:tr`` > ``hp:tc``, nested in a run of the paragraph that anchors them.
Headings come from the paragraph style (개요 N / Outline N / 제목) looked up in ``Contents/header.xml``,
else from visible numbering. HWPX has no fixed pages (한/글 lays them out), so
citations point at the heading path instead of a page.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from mokmin.knowledge.errors import BrokenDocument, EncryptedDocument
from mokmin.knowledge.ingest.base import Block, BlockKind, DocumentFormat, ParsedDocument, table_text
from mokmin.knowledge.ingest.outline import classify_line
from mokmin.knowledge.safety import Deadline, Limits, SafeZip, check_text_length, parse_xml

_SECTION = re.compile(r"^Contents/section(\d+)\.xml$")
_OUTLINE_STYLE = re.compile(r"^(?:개요|outline)\s*(\d+)$", re.IGNORECASE)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _style_levels(archive: SafeZip) -> dict[str, int]:
    """Map style ids to heading levels from ``header.xml`` (missing header: no style headings)."""
    if "Contents/header.xml" not in archive.names():
        return {}
    levels: dict[str, int] = {}
    for element in parse_xml(archive.read("Contents/header.xml"), "header.xml").iter():
        if _local(element.tag) != "style":
            continue
        names = (element.get("name", ""), element.get("engName", ""))
        for name in names:
            match = _OUTLINE_STYLE.match(name.strip())
            if match:
                levels[element.get("id", "")] = int(match.group(1))
                break
            if name.strip() in {"제목", "Title"}:
                levels[element.get("id", "")] = 1
                break
    return levels


def _section_names(archive: SafeZip) -> list[str]:
    names = [name for name in archive.names() if _SECTION.match(name)]
    return sorted(names, key=lambda name: int(_SECTION.match(name).group(1)))  # type: ignore[union-attr]


def _paragraph_text(paragraph: Element) -> str:
    """Text of one paragraph, skipping tables anchored inside it (they become their own blocks)."""
    parts: list[str] = []

    def walk(element: Element) -> None:
        for child in element:
            name = _local(child.tag)
            if name in {"tbl", "subList"}:
                continue
            if name == "t":
                parts.append("".join(child.itertext()))
            elif name in {"lineBreak", "tab"}:
                parts.append(" ")
            else:
                walk(child)

    walk(paragraph)
    return " ".join("".join(parts).split())


def _table_rows(table: Element) -> list[list[str]]:
    rows: list[list[str]] = []
    for row in table:
        if _local(row.tag) != "tr":
            continue
        cells = []
        for cell in row:
            if _local(cell.tag) == "tc":
                texts = [_paragraph_text(p) for p in cell.iter() if _local(p.tag) == "p"]
                cells.append(" ".join(text for text in texts if text))
        rows.append(cells)
    return rows


def _section_blocks(root: Element, styles: dict[str, int], deadline: Deadline) -> list[Block]:
    blocks: list[Block] = []
    for number, paragraph in enumerate(p for p in root if _local(p.tag) == "p"):
        if number % 200 == 0:
            deadline.check()
        text = _paragraph_text(paragraph)
        if text:
            level = styles.get(paragraph.get("styleIDRef", ""))
            if level:
                blocks.append(Block(BlockKind.HEADING, text, level=level))
            else:
                blocks.extend(classify_line(text))
        for table in (e for e in paragraph.iter() if _local(e.tag) == "tbl"):
            rendered = table_text(_table_rows(table))
            if rendered:
                blocks.append(Block(BlockKind.TABLE, rendered))
    return blocks


def _title(archive: SafeZip) -> str:
    if "Contents/content.hpf" not in archive.names():
        return ""
    for element in parse_xml(archive.read("Contents/content.hpf"), "content.hpf").iter():
        if _local(element.tag) == "title":
            return " ".join("".join(element.itertext()).split())
    return ""


def parse_hwpx(data: bytes, limits: Limits, deadline: Deadline) -> ParsedDocument:
    archive = SafeZip(data, limits)
    names = archive.names()
    if "META-INF/manifest.xml" in names and b"encryption-data" in archive.read("META-INF/manifest.xml"):
        raise EncryptedDocument(detail="hwpx manifest declares encryption")
    sections = _section_names(archive)
    if not sections:
        raise BrokenDocument(detail="hwpx without Contents/section*.xml")
    styles = _style_levels(archive)
    blocks: list[Block] = []
    for name in sections:
        deadline.check()
        blocks.extend(_section_blocks(parse_xml(archive.read(name), name), styles, deadline))
        check_text_length(sum(len(block.text) for block in blocks), limits)
    title = _title(archive) or next((b.text for b in blocks if b.kind == BlockKind.HEADING), "")
    return ParsedDocument(title, DocumentFormat.HWPX, blocks, page_count=None)
