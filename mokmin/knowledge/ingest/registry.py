"""Which parser reads a file: by content first (magic bytes, zip and OLE contents), then by extension.

Content wins over the name so that a renamed file is still read correctly and a hostile file cannot pick
a laxer parser by choosing its extension. Every parser is registered here, in one table.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from mokmin.knowledge.errors import BrokenDocument, EncryptedDocument, UnsupportedFormat
from mokmin.knowledge.ingest.base import DocumentFormat, ParsedDocument, Parser
from mokmin.knowledge.ingest.docx import parse_docx
from mokmin.knowledge.ingest.html import parse_html
from mokmin.knowledge.ingest.hwp import parse_hwp
from mokmin.knowledge.ingest.hwpx import parse_hwpx
from mokmin.knowledge.ingest.pdf import parse_pdf
from mokmin.knowledge.ingest.text import parse_markdown, parse_text
from mokmin.knowledge.safety import DEFAULT_LIMITS, Deadline, Limits, check_size

PARSERS: dict[DocumentFormat, Parser] = {
    DocumentFormat.HWPX: parse_hwpx,
    DocumentFormat.HWP: parse_hwp,
    DocumentFormat.PDF: parse_pdf,
    DocumentFormat.DOCX: parse_docx,
    DocumentFormat.HTML: parse_html,
    DocumentFormat.MARKDOWN: parse_markdown,
    DocumentFormat.TEXT: parse_text,
}

EXTENSIONS: dict[str, DocumentFormat] = {
    ".hwpx": DocumentFormat.HWPX,
    ".hwp": DocumentFormat.HWP,
    ".pdf": DocumentFormat.PDF,
    ".docx": DocumentFormat.DOCX,
    ".html": DocumentFormat.HTML,
    ".htm": DocumentFormat.HTML,
    ".md": DocumentFormat.MARKDOWN,
    ".markdown": DocumentFormat.MARKDOWN,
    ".txt": DocumentFormat.TEXT,
    ".text": DocumentFormat.TEXT,
}

TEXT_FORMATS = frozenset({DocumentFormat.HTML, DocumentFormat.MARKDOWN, DocumentFormat.TEXT})
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PDF_MAGIC = b"%PDF-"


def _zip_format(data: bytes) -> DocumentFormat:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise BrokenDocument(detail=f"bad zip: {exc}") from exc
    if "word/document.xml" in names:
        return DocumentFormat.DOCX
    if any(name.startswith("Contents/section") for name in names):
        return DocumentFormat.HWPX
    raise UnsupportedFormat(detail=f"zip without a known document part ({len(names)} entries)")


def _ole_format(data: bytes) -> DocumentFormat:
    # The stream names are in the directory as UTF-16LE; a byte search avoids parsing twice.
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise EncryptedDocument(detail="office document encrypted (EncryptedPackage)")
    if "FileHeader".encode("utf-16-le") in data:
        return DocumentFormat.HWP
    raise UnsupportedFormat(detail="OLE file that is not HWP 5 (old .doc/.xls are not supported)")


def detect_format(data: bytes, filename: str = "") -> DocumentFormat:
    """Decide the format from the bytes, falling back to the file extension for text formats."""
    head = data[:1024]
    if head.startswith(ZIP_MAGIC):
        return _zip_format(data)
    if head.startswith(OLE_MAGIC):
        return _ole_format(data)
    if PDF_MAGIC in head:
        return DocumentFormat.PDF
    by_name = EXTENSIONS.get(PurePath(filename).suffix.lower())
    if by_name is not None and by_name in TEXT_FORMATS:
        return by_name
    if by_name is not None:
        raise BrokenDocument(detail=f"{filename!r} does not contain what its extension claims")
    lowered = head.lower()
    if b"<html" in lowered or b"<!doctype html" in lowered:
        return DocumentFormat.HTML
    if b"\x00" not in head and filename == "":
        return DocumentFormat.TEXT
    raise UnsupportedFormat(detail=f"unknown format for {filename!r}")


def parse_document(data: bytes, filename: str = "", limits: Limits = DEFAULT_LIMITS) -> ParsedDocument:
    """Parse one file within the limits; the title falls back to the file name without extension."""
    check_size(len(data), limits)
    deadline = Deadline(limits.time_budget_s)
    document = PARSERS[detect_format(data, filename)](data, limits, deadline)
    deadline.check()
    if not document.title:
        document.title = PurePath(filename).stem or "제목 없음"
    return document
