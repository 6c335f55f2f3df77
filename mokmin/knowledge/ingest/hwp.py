"""HWP 5.0 binary documents: an OLE compound file whose ``BodyText/SectionN`` streams hold records.

Written from Hancom's published format description (한글 문서 파일 형식 5.0). Each record starts with a
32-bit header — tag (10 bits), level (10 bits), size (12 bits, 0xFFF meaning "the next 32 bits hold it") —
and nests by level. Text lives in ``PARA_TEXT`` records as UTF-16LE, where code units below 32 are
controls: some are one unit wide, the others carry 7 more units of payload that must be skipped. Tables are
``CTRL_HEADER`` records with id ``tbl `` whose children are a ``TABLE`` record (cells per row) and, per cell,
a ``LIST_HEADER`` followed by that cell's paragraphs. Headings come from the paragraph's style (개요 N) in
``DocInfo``, else from visible numbering. Streams are raw-deflate compressed when the header says so, and
inflation is capped so a tiny stream cannot expand into gigabytes.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from dataclasses import dataclass, field

from mokmin.knowledge.errors import ArchiveBomb, BrokenDocument, DocumentTooComplex, EncryptedDocument
from mokmin.knowledge.ingest.base import Block, BlockKind, DocumentFormat, ParsedDocument, table_text
from mokmin.knowledge.ingest.outline import classify_line
from mokmin.knowledge.safety import Deadline, Limits, check_text_length

SIGNATURE = b"HWP Document File"
TAG_BEGIN = 0x10
TAG_STYLE = TAG_BEGIN + 26
TAG_PARA_HEADER = TAG_BEGIN + 50
TAG_PARA_TEXT = TAG_BEGIN + 51
TAG_CTRL_HEADER = TAG_BEGIN + 55
TAG_LIST_HEADER = TAG_BEGIN + 56
TAG_TABLE = TAG_BEGIN + 61

FLAG_COMPRESSED = 0x1
FLAG_PASSWORD = 0x2
FLAG_DISTRIBUTION = 0x4
FLAG_DRM = 0x10

CTRL_TABLE = b" lbt"  # the ctrl id 'tbl ' stored as a little-endian UINT32
SKIPPED_CTRLS = {b"daeh", b"toof"}  # page header and footer repeat on every page: noise for search
_ONE_UNIT_CONTROLS = {0, 10, 13, 24, 25, 26, 27, 28, 29, 30, 31}
_OUTLINE_STYLE = re.compile(r"^(?:개요|outline)\s*(\d+)$", re.IGNORECASE)


@dataclass(slots=True)
class Record:
    tag: int
    level: int
    payload: bytes
    children: list[Record] = field(default_factory=list)


def parse_records(data: bytes, limits: Limits, deadline: Deadline) -> list[Record]:
    """Split a decompressed stream into records and nest them by level (a forest of top-level records)."""
    roots: list[Record] = []
    stack: list[Record] = []
    offset = 0
    count = 0
    while offset < len(data):
        if len(data) - offset < 4:
            raise BrokenDocument(detail=f"truncated record header at {offset}")
        (header,) = struct.unpack_from("<I", data, offset)
        offset += 4
        tag, level, size = header & 0x3FF, (header >> 10) & 0x3FF, header >> 20
        if size == 0xFFF:
            if len(data) - offset < 4:
                raise BrokenDocument(detail="truncated extended record size")
            (size,) = struct.unpack_from("<I", data, offset)
            offset += 4
        if size > len(data) - offset:
            raise BrokenDocument(detail=f"record of {size} bytes overruns the stream at {offset}")
        record = Record(tag, level, data[offset : offset + size])
        offset += size
        count += 1
        if count > limits.max_records:
            raise DocumentTooComplex(detail=f"more than {limits.max_records} records")
        if count % 5000 == 0:
            deadline.check()
        while stack and stack[-1].level >= level:
            stack.pop()
        if stack and level == stack[-1].level + 1:
            stack[-1].children.append(record)
        else:
            roots.append(record)
        stack.append(record)
    return roots


def decode_para_text(payload: bytes) -> str:
    """Turn a PARA_TEXT payload into text, skipping the 8-unit inline and extended controls."""
    if len(payload) % 2:
        payload = payload[:-1]
    units = struct.unpack(f"<{len(payload) // 2}H", payload)
    out: list[str] = []
    index = 0
    while index < len(units):
        unit = units[index]
        if unit >= 32:
            out.append(chr(unit))
            index += 1
        elif unit in _ONE_UNIT_CONTROLS:
            out.append("\n" if unit in {10, 13} else (" " if unit in {24, 30, 31} else ""))
            index += 1
        else:
            out.append(" " if unit == 9 else "")
            index += 8
    text = "".join(out)
    # Surrogate pairs arrive as two units; re-encode to merge them into real characters.
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def inflate(data: bytes, limits: Limits, name: str) -> bytes:
    """Raw-deflate with a hard cap on the output size."""
    inflater = zlib.decompressobj(-15)
    try:
        out = inflater.decompress(data, limits.max_zip_entry_bytes + 1)
    except zlib.error as exc:
        raise BrokenDocument(detail=f"{name}: {exc}") from exc
    if len(out) > limits.max_zip_entry_bytes or inflater.unconsumed_tail:
        raise ArchiveBomb(detail=f"{name} inflates past {limits.max_zip_entry_bytes} bytes")
    return out


def _style_levels(docinfo: list[Record]) -> dict[int, int]:
    """Style index -> heading level for styles named 개요 N / Outline N."""
    levels: dict[int, int] = {}
    styles = [record for record in _walk(docinfo) if record.tag == TAG_STYLE]
    for index, record in enumerate(styles):
        names = []
        offset = 0
        for _ in range(2):
            if len(record.payload) < offset + 2:
                break
            (length,) = struct.unpack_from("<H", record.payload, offset)
            raw = record.payload[offset + 2 : offset + 2 + 2 * length]
            names.append(raw.decode("utf-16-le", "replace"))
            offset += 2 + 2 * length
        for name in names:
            match = _OUTLINE_STYLE.match(name.strip())
            if match:
                levels[index] = int(match.group(1))
                break
    return levels


def _walk(records: list[Record]) -> list[Record]:
    flat: list[Record] = []
    pending = list(reversed(records))
    while pending:
        record = pending.pop()
        flat.append(record)
        pending.extend(reversed(record.children))
    return flat


class _SectionReader:
    """Turns one section's record forest into blocks, tables rendered as rows of cells."""

    def __init__(self, styles: dict[int, int], deadline: Deadline) -> None:
        self.styles = styles
        self.deadline = deadline
        self.blocks: list[Block] = []

    def paragraph(self, header: Record) -> None:
        text = ""
        for child in header.children:
            if child.tag == TAG_PARA_TEXT:
                text += decode_para_text(child.payload)
        style = header.payload[10] if len(header.payload) > 10 else -1
        level = self.styles.get(style)
        for line in text.splitlines():
            line = " ".join(line.split())
            if line:
                if level:
                    self.blocks.append(Block(BlockKind.HEADING, line, level=level))
                else:
                    self.blocks.extend(classify_line(line))
        for child in header.children:
            if child.tag == TAG_CTRL_HEADER:
                self.control(child)

    def control(self, ctrl: Record) -> None:
        ctrl_id = ctrl.payload[:4]
        if ctrl_id in SKIPPED_CTRLS:
            return
        if ctrl_id == CTRL_TABLE:
            rendered = table_text(self.table_rows(ctrl))
            if rendered:
                self.blocks.append(Block(BlockKind.TABLE, rendered))
            return
        for child in ctrl.children:  # footnotes, text boxes: keep their paragraphs
            if child.tag == TAG_PARA_HEADER:
                self.paragraph(child)

    def table_rows(self, ctrl: Record) -> list[list[str]]:
        cells: list[str] = []
        per_row: list[int] = []
        for child in ctrl.children:
            if child.tag == TAG_TABLE and len(child.payload) >= 18:
                row_count = int.from_bytes(child.payload[4:6], "little")
                counts = child.payload[18 : 18 + 2 * row_count]
                per_row = [int.from_bytes(counts[i : i + 2], "little") for i in range(0, len(counts) - 1, 2)]
            elif child.tag == TAG_LIST_HEADER:
                cells.append("")
            elif child.tag == TAG_PARA_HEADER and cells:
                inner = _SectionReader(self.styles, self.deadline)
                inner.paragraph(child)
                text = " ".join(block.text.replace("\n", " ") for block in inner.blocks)
                cells[-1] = f"{cells[-1]} {text}".strip()
        rows: list[list[str]] = []
        start = 0
        for count in per_row or [len(cells)]:
            rows.append(cells[start : start + count])
            start += count
        if start < len(cells):
            rows.append(cells[start:])
        return rows

    def read(self, roots: list[Record]) -> list[Block]:
        for number, record in enumerate(roots):
            if number % 200 == 0:
                self.deadline.check()
            if record.tag == TAG_PARA_HEADER:
                self.paragraph(record)
        return self.blocks


def read_file_header(header: bytes) -> int:
    """Validate the 256-byte FileHeader and return its property flags; refuse protected documents."""
    if not header.startswith(SIGNATURE) or len(header) < 40:
        raise BrokenDocument(detail="not an HWP 5 FileHeader")
    (flags,) = struct.unpack_from("<I", header, 36)
    if flags & (FLAG_PASSWORD | FLAG_DISTRIBUTION | FLAG_DRM):
        raise EncryptedDocument(detail=f"hwp properties {flags:#x}")
    return int(flags)


@dataclass(slots=True)
class _Streams:
    flags: int
    docinfo: bytes | None
    sections: list[bytes]
    title: str


def _open_streams(data: bytes, limits: Limits) -> _Streams:
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError, struct.error, IndexError) as exc:
        raise BrokenDocument(detail=f"ole: {exc}") from exc
    try:
        if not ole.exists("FileHeader"):
            raise BrokenDocument(detail="ole file without FileHeader")
        flags = read_file_header(ole.openstream("FileHeader").read())
        sections = sorted(
            (entry for entry in ole.listdir() if len(entry) == 2 and entry[0] == "BodyText"),
            key=lambda entry: int(re.sub(r"\D", "", entry[1]) or 0),
        )
        if not sections:
            raise BrokenDocument(detail="hwp without BodyText sections")
        docinfo = ole.openstream("DocInfo").read() if ole.exists("DocInfo") else None
        bodies = [ole.openstream(list(entry)).read() for entry in sections]
        title = ""
        if ole.exists("\x05HwpSummaryInformation"):
            title = str(ole.getproperties("\x05HwpSummaryInformation").get(2, "") or "")
    except (OSError, ValueError, struct.error, IndexError) as exc:
        raise BrokenDocument(detail=f"ole: {exc}") from exc
    finally:
        ole.close()
    return _Streams(flags, docinfo, bodies, title.strip("\x00 ").strip())


def parse_hwp(data: bytes, limits: Limits, deadline: Deadline) -> ParsedDocument:
    streams = _open_streams(data, limits)
    compressed = bool(streams.flags & FLAG_COMPRESSED)

    def stream(raw: bytes, name: str) -> bytes:
        return inflate(raw, limits, name) if compressed else raw

    styles: dict[int, int] = {}
    if streams.docinfo is not None:
        styles = _style_levels(parse_records(stream(streams.docinfo, "DocInfo"), limits, deadline))
    blocks: list[Block] = []
    for number, raw in enumerate(streams.sections):
        roots = parse_records(stream(raw, f"Section{number}"), limits, deadline)
        try:
            blocks.extend(_SectionReader(styles, deadline).read(roots))
        except RecursionError as exc:
            raise DocumentTooComplex(detail="controls nested too deeply") from exc
        check_text_length(sum(len(block.text) for block in blocks), limits)
    title = streams.title or next((b.text for b in blocks if b.kind == BlockKind.HEADING), "")
    return ParsedDocument(title, DocumentFormat.HWP, blocks)
