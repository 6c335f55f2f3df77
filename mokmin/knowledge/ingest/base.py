"""What every parser returns: a title and an ordered list of structural blocks.

Blocks keep what a citation needs (heading level, page number, format-native section) so that the chunker
can build section paths such as ``제2장 주차요금 > 제7조(감면)`` and page ranges without knowing the format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from mokmin.knowledge.safety import Deadline, Limits


class DocumentFormat(StrEnum):
    HWPX = "hwpx"
    HWP = "hwp"
    PDF = "pdf"
    DOCX = "docx"
    HTML = "html"
    MARKDOWN = "markdown"
    TEXT = "text"


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    TABLE = "table"


@dataclass(frozen=True, slots=True)
class Block:
    """One heading, paragraph or table (tables as text: cells joined by `` | ``, one row per line)."""

    kind: BlockKind
    text: str
    level: int = 0
    page: int | None = None


@dataclass(slots=True)
class ParsedDocument:
    """A document reduced to text with its structure; parsers never touch the database."""

    title: str
    format: DocumentFormat
    blocks: list[Block] = field(default_factory=list)
    page_count: int | None = None

    @property
    def text(self) -> str:
        return "\n".join(block.text for block in self.blocks)


Parser = Callable[[bytes, Limits, Deadline], ParsedDocument]


def table_text(rows: list[list[str]]) -> str:
    """Render table rows as text a reader and a tokenizer can both follow."""
    lines = [" | ".join(cell.strip() for cell in row) for row in rows]
    return "\n".join(line for line in lines if line.strip(" |"))


def paragraph(text: str, page: int | None = None) -> Block:
    return Block(BlockKind.PARAGRAPH, text, page=page)


def heading(text: str, level: int, page: int | None = None) -> Block:
    return Block(BlockKind.HEADING, text, level=max(1, level), page=page)
