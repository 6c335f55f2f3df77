"""Exporters: Markdown, HWPX, DOCX and PDF, one registry, each carrying the letterhead and the AI label."""

from __future__ import annotations

from collections.abc import Callable

from mokmin.drafting.draft import Draft
from mokmin.drafting.export.base import ExportFormat, Letterhead, export_blocks, metadata
from mokmin.drafting.export.docx import export_docx
from mokmin.drafting.export.hwpx import HwpxInvalid, export_hwpx
from mokmin.drafting.export.markdown import export_markdown
from mokmin.drafting.export.pdf import KoreanFontMissing, export_pdf, find_korean_font

Exporter = Callable[[Draft, Letterhead | None], bytes]

EXPORTERS: dict[ExportFormat, Exporter] = {
    "md": export_markdown,
    "hwpx": export_hwpx,
    "docx": export_docx,
    "pdf": export_pdf,
}

MEDIA_TYPES: dict[ExportFormat, str] = {
    "md": "text/markdown; charset=utf-8",
    "hwpx": "application/hwp+zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def export(draft: Draft, letterhead: Letterhead | None, fmt: ExportFormat) -> bytes:
    """The draft in format *fmt*."""
    return EXPORTERS[fmt](draft, letterhead)


__all__ = [
    "EXPORTERS",
    "MEDIA_TYPES",
    "ExportFormat",
    "Exporter",
    "HwpxInvalid",
    "KoreanFontMissing",
    "Letterhead",
    "export",
    "export_blocks",
    "export_docx",
    "export_hwpx",
    "export_markdown",
    "export_pdf",
    "find_korean_font",
    "metadata",
]
