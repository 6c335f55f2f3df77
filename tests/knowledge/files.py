"""Builders for the small documents the knowledge tests parse, made in the test run itself.

The HWP 5 builder writes a minimal OLE compound file (CFB version 3: FAT, directory, mini FAT and mini
stream) because olefile can only read; the record streams inside follow the HWP 5.0 format description.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

# --- HWP 5 records ---------------------------------------------------------------------------------------

TAG_STYLE = 0x10 + 26
TAG_PARA_HEADER = 0x10 + 50
TAG_PARA_TEXT = 0x10 + 51
TAG_CTRL_HEADER = 0x10 + 55
TAG_LIST_HEADER = 0x10 + 56
TAG_TABLE = 0x10 + 61


def record(tag: int, level: int, payload: bytes) -> bytes:
    """One record: the 12-bit size field, or 0xFFF and a 32-bit size for large payloads."""
    if len(payload) >= 0xFFF:
        return struct.pack("<II", tag | (level << 10) | (0xFFF << 20), len(payload)) + payload
    return struct.pack("<I", tag | (level << 10) | (len(payload) << 20)) + payload


def para_header(level: int, style: int = 0) -> bytes:
    # nchars, control mask, para shape id, style id, then padding to the 22 bytes real files carry
    return record(TAG_PARA_HEADER, level, struct.pack("<IIHB", 0, 0, 0, style) + b"\x00" * 11)


def para_text(level: int, text: str, *, controls: bytes = b"") -> bytes:
    return record(TAG_PARA_TEXT, level, controls + text.encode("utf-16-le") + struct.pack("<H", 13))


def extended_control(code: int, ctrl_id: bytes = b" lbt") -> bytes:
    """An 8-unit extended control as it sits in PARA_TEXT (code, 4-byte id, 6 bytes, code again)."""
    return struct.pack("<H", code) + ctrl_id + b"\x00" * 8 + struct.pack("<H", code)


def style_record(name: str, english: str) -> bytes:
    payload = struct.pack("<H", len(name)) + name.encode("utf-16-le")
    payload += struct.pack("<H", len(english)) + english.encode("utf-16-le") + b"\x00" * 10
    return record(TAG_STYLE, 0, payload)


def table_records(level: int, rows: list[list[str]]) -> bytes:
    """A 'tbl ' control with its TABLE record and one LIST_HEADER + paragraph per cell."""
    cols = max(len(row) for row in rows)
    out = record(TAG_CTRL_HEADER, level, b" lbt" + b"\x00" * 40)
    table = struct.pack("<IHHH", 0, len(rows), cols, 0) + b"\x00" * 8
    table += b"".join(struct.pack("<H", len(row)) for row in rows) + struct.pack("<H", 1)
    out += record(TAG_TABLE, level + 1, table)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            out += record(TAG_LIST_HEADER, level + 1, struct.pack("<HHIHH", 1, 0, 0, c, r) + b"\x00" * 20)
            out += para_header(level + 1) + para_text(level + 2, cell)
    return out


def deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def file_header(*, compressed: bool = True, password: bool = False) -> bytes:
    flags = (1 if compressed else 0) | (2 if password else 0)
    return b"HWP Document File".ljust(32, b"\x00") + struct.pack("<II", 0x05000300, flags) + b"\x00" * 216


# --- OLE compound file writer -------------------------------------------------------------------------------

SECTOR = 512
MINI = 64
CUTOFF = 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _dir_entry(
    name: str, kind: int, *, child: int = NOSTREAM, right: int = NOSTREAM, start: int = END, size: int = 0
) -> bytes:
    raw = name.encode("utf-16-le") + b"\x00\x00" if name else b""
    entry = raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), kind, 1)
    entry += struct.pack("<III", NOSTREAM, right, child) + b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16
    entry += struct.pack("<IQ", start if kind else 0, size)
    return entry


def _directory(
    nodes: dict[str, dict[str, object]], placement: dict[str, tuple[int, int]], sectors: int
) -> bytes:
    """Directory entries; the children of a storage hang off each other as right siblings."""
    order = list(nodes)
    ids = {key: index for index, key in enumerate(order)}
    entries = b""
    for key in order:
        children: list[str] = nodes[key]["children"]  # type: ignore[assignment]
        child = ids[children[0]] if children else NOSTREAM
        parent_key = key.rsplit("/", 1)[0] if "/" in key else ""
        siblings: list[str] = nodes[parent_key]["children"] if key else []  # type: ignore[assignment]
        position = siblings.index(key) if key else -1
        right = ids[siblings[position + 1]] if key and position + 1 < len(siblings) else NOSTREAM
        name = key.rsplit("/", 1)[-1] if key else "Root Entry"
        kind: int = nodes[key]["kind"]  # type: ignore[assignment]
        start, size = placement.get(key, (END, 0))
        entries += _dir_entry(name, kind, child=child, right=right, start=start, size=size)
    while len(entries) < sectors * SECTOR:  # unused entries: empty names, no siblings
        entries += _dir_entry("", 0)
    return entries


def build_ole(streams: dict[str, bytes]) -> bytes:
    """A CFB v3 file holding ``streams`` (paths with '/' create storages); small streams go to the mini stream."""
    # Directory entries: 0 is the root; storages and streams follow in path order.
    nodes: dict[str, dict[str, object]] = {"": {"kind": 5, "children": []}}
    for path in streams:
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            key = "/".join(parts[:depth])
            if key not in nodes:
                nodes[key] = {"kind": 2 if depth == len(parts) else 1, "children": []}
                parent = "/".join(parts[: depth - 1])
                nodes[parent]["children"].append(key)  # type: ignore[attr-defined]
    mini_stream = b""
    mini_fat: list[int] = []
    big: list[tuple[str, bytes]] = []
    placement: dict[str, tuple[int, int]] = {}
    for path, data in streams.items():
        if len(data) < CUTOFF:
            first = len(mini_stream) // MINI
            count = max(1, -(-len(data) // MINI))
            mini_fat.extend([*range(first + 1, first + count), END])
            mini_stream += data.ljust(count * MINI, b"\x00")
            placement[path] = (first, len(data))
        else:
            big.append((path, data))

    dir_sectors = -(-len(nodes) // 4)
    minifat_sectors = -(-len(mini_fat) * 4 // SECTOR) if mini_fat else 0
    ministream_sectors = -(-len(mini_stream) // SECTOR)
    big_sectors = [-(-len(data) // SECTOR) for _, data in big]
    body = dir_sectors + minifat_sectors + ministream_sectors + sum(big_sectors)
    fat_sectors = 1
    while fat_sectors * (SECTOR // 4) < fat_sectors + body:
        fat_sectors += 1

    fat: list[int] = [FATSECT] * fat_sectors
    chains: list[tuple[int, int]] = []

    def chain(count: int) -> int:
        start = len(fat)
        fat.extend([*range(start + 1, start + count), END])
        chains.append((start, count))
        return start

    dir_start = chain(dir_sectors)
    minifat_start = chain(minifat_sectors) if minifat_sectors else END
    ministream_start = chain(ministream_sectors) if ministream_sectors else END
    for (path, data), count in zip(big, big_sectors, strict=True):
        placement[path] = (chain(count), len(data))
    fat.extend([FREE] * (fat_sectors * (SECTOR // 4) - len(fat)))

    placement[""] = (ministream_start, len(mini_stream))
    entries = _directory(nodes, placement, dir_sectors)

    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
    header += struct.pack(
        "<IIIIIIIII", 0, fat_sectors, dir_start, 0, CUTOFF, minifat_start, minifat_sectors, END, 0
    )
    difat = list(range(fat_sectors)) + [FREE] * (109 - fat_sectors)
    header += struct.pack("<109I", *difat)

    out = io.BytesIO()
    out.write(header)
    out.write(struct.pack(f"<{len(fat)}I", *fat))
    out.write(entries)
    if minifat_sectors:
        table = struct.pack(f"<{len(mini_fat)}I", *mini_fat)
        out.write(table.ljust(minifat_sectors * SECTOR, b"\xff"))
    out.write(mini_stream.ljust(ministream_sectors * SECTOR, b"\x00"))
    for (_, data), count in zip(big, big_sectors, strict=True):
        out.write(data.ljust(count * SECTOR, b"\x00"))
    return out.getvalue()


def sample_hwp(*, password: bool = False, long_text: str = "") -> bytes:
    """An ordinance-like HWP 5: a styled heading, an article, a table and (optionally) a long paragraph."""
    docinfo = style_record("바탕글", "Normal") + style_record("개요 1", "Outline 1")
    section = para_header(0, style=1) + para_text(1, "제1장 총칙")
    section += para_header(0) + para_text(
        1,
        "제1조(목적) 이 조례는 공영주차장의 설치와 관리에 필요한 사항을 정한다.",
        controls=struct.pack("<H", 9) + b"\x00" * 14,
    )
    section += para_header(0) + para_text(1, "", controls=extended_control(11))
    section += table_records(1, [["구분", "요금"], ["소형", "1,000원"]])
    if long_text:
        section += para_header(0) + para_text(1, long_text)
    return build_ole(
        {
            "FileHeader": file_header(password=password),
            "DocInfo": deflate(docinfo),
            "BodyText/Section0": deflate(section),
        }
    )


# --- zip based formats -----------------------------------------------------------------------------------


def sample_docx() -> bytes:
    from docx import Document

    document = Document()
    document.core_properties.title = "주차장 운영 계획"
    document.add_heading("1. 추진 배경", level=1)
    document.add_paragraph("공영주차장 이용이 늘어 요금 체계를 정비하고자 함.")
    document.add_heading("가. 현황", level=2)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "구분"
    table.cell(0, 1).text = "면수"
    table.cell(1, 0).text = "노상"
    table.cell(1, 1).text = "120"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def sample_hwpx() -> bytes:
    from hwpx import HwpxDocument

    document = HwpxDocument.new()
    document.add_heading("제1장 총칙", level=1)
    document.add_paragraph(
        "이 조례는 공영주차장 관리에 관한 사항을 정한다.", style_id_ref=0, inherit_style=False
    )
    table = document.add_table(2, 2)
    table.set_cell_text(0, 0, "구분")
    table.set_cell_text(0, 1, "요금")
    table.set_cell_text(1, 0, "소형")
    table.set_cell_text(1, 1, "1,000원")
    return bytes(document.to_bytes())


def rezip(original: bytes, replace: dict[str, bytes], *, extra: dict[str, bytes] | None = None) -> bytes:
    """Copy a zip, replacing some entries and adding others (deflated)."""
    source = zipfile.ZipFile(io.BytesIO(original))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + b"".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'.encode()
        for n in range(1, 10)
    )
    + b"]>\n<root>&lol9;</root>"
)


# --- PDF -----------------------------------------------------------------------------------------------

NANUM = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")


def sample_pdf(pages: list[list[str]]) -> bytes:
    """A PDF with one text line per entry; Korean needs a font with Hangul (Nanum Gothic on this machine)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("nanum", fname=str(NANUM))
    pdf.set_font("nanum", size=11)
    pdf.set_title("주차장 백서")
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
