"""DOCX export with python-docx: A4, 맑은 고딕, symbols typed as text, contact and 결문 lines as borderless tables.

The AI label is the last paragraph and also sits in the core properties (subject, keywords, comments).
"""

from __future__ import annotations

import io
from typing import Any

from mokmin.drafting.draft import Block, Draft
from mokmin.drafting.export.base import Letterhead, export_blocks, metadata

FONT = "맑은 고딕"
_SIZES = {"letterhead": 13.0, "title": 16.0, "subtitle": 12.0, "heading": 12.5, "label": 9.0}


def export_docx(draft: Draft, letterhead: Letterhead | None = None) -> bytes:
    """The draft as a .docx file."""
    try:
        from docx import Document
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml.ns import qn
        from docx.shared import Cm, Mm, Pt
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise ImportError(
            "DOCX 내보내기에는 python-docx가 필요합니다: pip install 'mokmin[documents]'"
        ) from exc

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = section.top_margin = Mm(20)
    section.bottom_margin = Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)

    logo = letterhead.logo_image() if letterhead is not None else None
    if logo is not None:
        document.add_picture(io.BytesIO(logo[0]), width=Cm(2.5))
        document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    aligns = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }
    for block in export_blocks(draft, letterhead):
        if block.kind == "table":
            _add_table(document, block)
            continue
        paragraph = document.add_paragraph()
        paragraph.alignment = aligns[block.align]
        run = paragraph.add_run(block.text)  # leading spaces are the 2타 indents; Word keeps them
        if block.kind in _SIZES:
            run.font.size = Pt(_SIZES[block.kind])
        run.bold = block.kind in ("letterhead", "title", "heading", "signature")
        run.italic = block.kind == "label"

    meta = metadata(draft, letterhead)
    props = document.core_properties
    props.title = meta["title"]
    props.author = meta["author"]
    props.subject = meta["subject"]
    props.keywords = meta["keywords"]
    props.comments = draft.label.text
    props.category = draft.doc_type
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _add_table(document: Any, block: Block) -> None:
    """A table without a style: python-docx's default template draws no borders for it."""
    width = max(len(row) for row in block.rows)
    table = document.add_table(rows=len(block.rows), cols=width)
    for r, row in enumerate(block.rows):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell
