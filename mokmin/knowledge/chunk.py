"""Cut a parsed document into passages small enough to rank and to quote, never across a heading.

A chunk gathers whole sentences under one heading path (``제2장 주차요금 > 제7조(감면)``) up to a target
size; a sentence is split only when it alone exceeds the maximum. Tables are chunked by whole rows. Each
chunk keeps its section path and page range so that a citation can open the source at the right place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mokmin.knowledge.ingest.base import Block, BlockKind, ParsedDocument

TARGET_CHARS = 600
MAX_CHARS = 1000
SECTION_SEPARATOR = " > "
_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+|(?<=[다요음함임]\.)(?=\S)")


@dataclass(frozen=True, slots=True)
class Chunk:
    ordinal: int
    text: str
    section: str
    page_start: int | None
    page_end: int | None


def split_sentences(text: str, max_chars: int = MAX_CHARS) -> list[str]:
    """Sentences of a paragraph; an overlong sentence is cut at spaces so no piece exceeds ``max_chars``."""
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        sentence = sentence.strip()
        while len(sentence) > max_chars:
            cut = sentence.rfind(" ", 0, max_chars)
            cut = cut if cut > max_chars // 2 else max_chars
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if sentence:
            pieces.append(sentence)
    return pieces


class _Chunker:
    def __init__(self, target: int, maximum: int) -> None:
        self.target = target
        self.maximum = maximum
        self.chunks: list[Chunk] = []
        self.headings: list[tuple[int, str]] = []
        self.parts: list[str] = []
        self.size = 0
        self.pages: list[int] = []

    @property
    def section(self) -> str:
        return SECTION_SEPARATOR.join(text for _, text in self.headings)

    def flush(self) -> None:
        text = "\n".join(self.parts).strip()
        if text:
            self.chunks.append(
                Chunk(
                    len(self.chunks),
                    text,
                    self.section,
                    min(self.pages) if self.pages else None,
                    max(self.pages) if self.pages else None,
                )
            )
        self.parts, self.size, self.pages = [], 0, []

    def add(self, piece: str, page: int | None, joiner: str) -> None:
        if self.parts and self.size + len(piece) > self.target:
            self.flush()
            joiner = ""
        if joiner == " " and self.parts:
            self.parts[-1] = f"{self.parts[-1]} {piece}"
        else:
            self.parts.append(piece)
        self.size += len(piece) + 1
        if page is not None:
            self.pages.append(page)

    def heading(self, block: Block) -> None:
        self.flush()
        while self.headings and self.headings[-1][0] >= block.level:
            self.headings.pop()
        self.headings.append((block.level, " ".join(block.text.split())[:200]))

    def paragraph(self, block: Block) -> None:
        for index, sentence in enumerate(split_sentences(block.text, self.maximum)):
            self.add(sentence, block.page, " " if index else "\n")

    def table(self, block: Block) -> None:
        self.flush()
        for row in block.text.splitlines():
            for piece in split_sentences(row, self.maximum) if len(row) > self.maximum else [row]:
                self.add(piece, block.page, "\n")
        self.flush()


def chunk_document(
    document: ParsedDocument, *, target_chars: int = TARGET_CHARS, max_chars: int = MAX_CHARS
) -> list[Chunk]:
    """Chunks in reading order, numbered from 0."""
    chunker = _Chunker(target_chars, max_chars)
    handlers = {
        BlockKind.HEADING: chunker.heading,
        BlockKind.PARAGRAPH: chunker.paragraph,
        BlockKind.TABLE: chunker.table,
    }
    for block in document.blocks:
        handlers[block.kind](block)
    chunker.flush()
    return chunker.chunks
