"""HWPX export with python-hwpx, validated by the library before the bytes are returned.

Item symbols are typed as text (not 개요 styles) so HWPX, DOCX and the text checker agree (KOREAN_DOCUMENTS.md
§10). Contact blocks and 결문 lines are tables with border fill 1 (no borders) of the default template. The AI
label is the last paragraph and also the package metadata's subject and keyword.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from mokmin.core.errors import Unavailable
from mokmin.drafting.draft import Block, Draft
from mokmin.drafting.export.base import Letterhead, export_blocks, metadata

_SIZES = {"letterhead": 13, "title": 16, "subtitle": 12, "heading": 12, "label": 9}
_BOLD = ("letterhead", "title", "heading", "signature")


class HwpxInvalid(Unavailable):
    """python-hwpx refused the generated document; nothing is handed out."""


def _open_new() -> Any:
    try:
        from hwpx import HwpxDocument
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise ImportError(
            "HWPX 내보내기에는 python-hwpx가 필요합니다: pip install 'mokmin[documents]'"
        ) from exc
    return HwpxDocument.new()


def export_hwpx(draft: Draft, letterhead: Letterhead | None = None) -> bytes:
    """The draft as an .hwpx file (A4 portrait, the library's default template)."""
    document = _open_new()
    char_ids: dict[str, str] = {}
    first = True
    logo = letterhead.logo_image() if letterhead is not None else None
    if logo is not None:
        document.add_picture(logo[0], logo[1], width_mm=25)
    for block in export_blocks(draft, letterhead):
        if block.kind == "table":
            _add_table(document, block)
            continue
        char_pr = _char_pr(document, block, char_ids)
        if first and logo is None:
            # The template's only paragraph holds the section settings: write the first line into it.
            paragraph = document.paragraphs[0]
            paragraph.text = block.text
            if char_pr is not None:
                paragraph.char_pr_id_ref = char_pr
        else:
            paragraph = document.add_paragraph(block.text, char_pr_id_ref=char_pr)
        first = False
        if block.align != "left":
            document.styles.apply_paragraph_format(paragraphs=[paragraph], alignment=block.align.upper())
    _write_metadata(document, draft, letterhead)
    report = document.validate()
    if report.issues:
        raise HwpxInvalid(f"HWPX 검증 실패: {'; '.join(str(issue) for issue in report.issues)}")
    data: bytes = document.to_bytes()
    return data


def _char_pr(document: Any, block: Block, cache: dict[str, str]) -> str | None:
    if block.kind not in _SIZES and block.kind not in _BOLD:
        return None
    if block.kind not in cache:
        cache[block.kind] = document.styles.ensure_run(
            bold=block.kind in _BOLD, italic=block.kind == "label", size=_SIZES.get(block.kind)
        )
    return cache[block.kind]


def _add_table(document: Any, block: Block) -> None:
    width = max(len(row) for row in block.rows)
    table = document.add_table(len(block.rows), width, border_fill_id_ref=1)
    for r, row in enumerate(block.rows):
        for c in range(width):
            table.cell(r, c).text = row[c] if c < len(row) else ""


def _write_metadata(document: Any, draft: Draft, letterhead: Letterhead | None) -> None:
    """Replace the template's metadata (its author and dates) with this document's, label included."""
    meta = metadata(draft, letterhead)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    document.parts.clear_document_metadata(keep=("title", "language"), timestamp=now)
    document.parts.set_document_metadata(
        title=meta["title"],
        creator=meta["author"],
        subject=meta["subject"],
        keyword=meta["keywords"],
        created_date=now,
        modified_date=now,
    )
    document.parts.clear_preview()
