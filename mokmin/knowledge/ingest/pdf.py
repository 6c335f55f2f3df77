"""PDF text layer through pypdf, page by page, with page numbers kept for citations.

Object counts are checked on the raw bytes before pypdf builds its cross-reference tables, and page counts
before any text is extracted, so a PDF with millions of objects fails in milliseconds. Scanned PDFs without
a text layer yield no text; OCR is out of scope here.
"""

from __future__ import annotations

import io

from mokmin.knowledge.errors import BrokenDocument, EncryptedDocument
from mokmin.knowledge.ingest.base import Block, DocumentFormat, ParsedDocument
from mokmin.knowledge.ingest.outline import classify_lines
from mokmin.knowledge.safety import Deadline, Limits, check_pages, check_pdf_structure, check_text_length


def parse_pdf(data: bytes, limits: Limits, deadline: Deadline) -> ParsedDocument:
    check_pdf_structure(data, limits)
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise EncryptedDocument(detail="pdf is encrypted")
        pages = reader.pages
        check_pages(len(pages), limits)
        blocks: list[Block] = []
        chars = 0
        for number, page in enumerate(pages, start=1):
            deadline.check()
            text = page.extract_text() or ""
            chars += len(text)
            check_text_length(chars, limits)
            blocks.extend(classify_lines(text.splitlines(), number))
        metadata = reader.metadata
        title = str(metadata.title or "").strip() if metadata is not None else ""
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise BrokenDocument(detail=f"pdf: {type(exc).__name__}: {exc}") from exc
    if not title:
        title = next((b.text for b in blocks if b.kind == "heading"), "")
    return ParsedDocument(title, DocumentFormat.PDF, blocks, page_count=len(pages))
