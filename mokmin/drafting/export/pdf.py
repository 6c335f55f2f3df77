"""PDF export with fpdf2 and a Korean TrueType font found on the machine (Debian: ``fonts-nanum``).

PDF has no Korean font built in, so the exporter looks for one in the usual system places and says which
package to install when there is none.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

from mokmin.core.errors import Unavailable
from mokmin.drafting.draft import Draft
from mokmin.drafting.export.base import Letterhead, export_blocks, metadata

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")
# Preferred first: Debian fonts-nanum, then fonts-noto-cjk-extra / Noto Sans KR TTF, then any Nanum TTF.
FONT_PATTERNS = (
    "**/NanumGothic.ttf",
    "**/NanumBarunGothic.ttf",
    "**/NotoSansKR-Regular.ttf",
    "**/Nanum*.ttf",
)
_SIZES = {"letterhead": 13.0, "title": 16.0, "subtitle": 12.0, "heading": 12.5, "label": 8.5}
_BOLD = ("letterhead", "title", "heading", "signature")


class KoreanFontMissing(Unavailable):
    """No Korean TrueType font on this machine."""

    def __init__(self) -> None:
        super().__init__(
            "PDF에 쓸 한글 글꼴이 없습니다. 'apt-get install fonts-nanum'으로 나눔글꼴을 설치하거나 글꼴 경로를 "
            "지정하세요."
        )


def find_korean_font() -> Path | None:
    """The first Korean TTF in the system font folders, or None."""
    for pattern in FONT_PATTERNS:
        for folder in FONT_DIRS:
            if folder.is_dir():
                found = sorted(folder.glob(pattern))
                if found:
                    return found[0]
    return None


def export_pdf(draft: Draft, letterhead: Letterhead | None = None, *, font_path: Path | None = None) -> bytes:
    """The draft as an A4 PDF."""
    try:
        from fpdf import FPDF
        from fpdf.enums import XPos, YPos
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise ImportError("PDF 내보내기에는 fpdf2가 필요합니다: pip install 'mokmin[documents]'") from exc
    font = font_path or find_korean_font()
    if font is None:
        raise KoreanFontMissing()
    bold = font.with_name(font.stem + "Bold" + font.suffix)

    # fontTools reports every table it leaves out of the subset at WARNING level: noise for a clerk.
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("korean", "", str(font))
    pdf.add_font("korean", "B", str(bold if bold.is_file() else font))
    meta = metadata(draft, letterhead)
    pdf.set_title(meta["title"])
    pdf.set_author(meta["author"])
    pdf.set_subject(meta["subject"])
    pdf.set_keywords(meta["keywords"])
    pdf.set_creator("mokmin")
    pdf.set_lang("ko" if draft.language == "ko" else "en")
    pdf.add_page()
    logo = letterhead.logo_image() if letterhead is not None else None
    if logo is not None:
        pdf.image(io.BytesIO(logo[0]), x=(210 - 25) / 2, w=25)
    for block in export_blocks(draft, letterhead):
        pdf.set_font("korean", "B" if block.kind in _BOLD else "", _SIZES.get(block.kind, 11.0))
        if block.kind == "table":
            with pdf.table(borders_layout="NONE", first_row_as_headings=False) as table:
                width = max(len(row) for row in block.rows)
                for row in block.rows:
                    cells = table.row()
                    for c in range(width):
                        cells.cell(row[c] if c < len(row) else "")
            continue
        align = {"left": "L", "center": "C", "right": "R"}[block.align]
        pdf.multi_cell(0, 7, block.text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
