"""Recognise headings in formats that carry no heading styles (PDF, HWP 5, plain text).

Korean public documents number their structure visibly: 제1편/장/절/관/조 in ordinances, Ⅰ. / 1. / 가. in
reports. A line is a heading only when it is short and does not read as a sentence, so that numbered list
items with full sentences stay paragraphs.
"""

from __future__ import annotations

import re

from mokmin.knowledge.ingest.base import Block, heading, paragraph

_ORDINANCE = re.compile(r"^제\s*\d+\s*(편|장|절|관)(?:의\s*\d+)?(?=\s|$)")
_ARTICLE = re.compile(r"^(제\s*\d+\s*조(?:의\s*\d+)?(?:\s*\([^)]{1,40}\))?)\s*(.*)$", re.DOTALL)
_ROMAN = re.compile(r"^[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]+\.?\s")
_NUMBERED = re.compile(r"^\d{1,2}\.\s")
_HANGUL_ITEM = re.compile(r"^[가-하]\.\s")
_SQUARE = re.compile(r"^□\s")
_UNIT_LEVEL = {"편": 1, "장": 2, "절": 3, "관": 4}
_ARTICLE_LEVEL = 5
_MAX_HEADING_CHARS = 60


def _looks_like_sentence(line: str) -> bool:
    return line.endswith(("다.", "다", "요.", ".", "함.", "음.")) and len(line) > 20


def _numbered_level(line: str) -> int | None:
    for pattern, level in ((_ROMAN, 1), (_NUMBERED, 2), (_SQUARE, 2), (_HANGUL_ITEM, 3)):
        if pattern.match(line):
            return level
    return None


def classify_line(line: str, page: int | None = None) -> list[Block]:
    """Turn one line into blocks; ``제3조(목적) 이 조례는…`` yields a heading and a paragraph."""
    text = line.strip()
    if not text:
        return []
    unit = _ORDINANCE.match(text)
    if unit and len(text) <= _MAX_HEADING_CHARS:
        return [heading(text, _UNIT_LEVEL[unit.group(1)], page)]
    article = _ARTICLE.match(text)
    if article:
        blocks = [heading(article.group(1), _ARTICLE_LEVEL, page)]
        rest = article.group(2).strip()
        return [*blocks, paragraph(rest, page)] if rest else blocks
    level = _numbered_level(text)
    if level is not None and len(text) <= _MAX_HEADING_CHARS and not _looks_like_sentence(text):
        return [heading(text, level, page)]
    return [paragraph(text, page)]


def classify_lines(lines: list[str], page: int | None = None) -> list[Block]:
    """Classify lines and join consecutive paragraph lines (PDF text wraps mid-sentence)."""
    blocks: list[Block] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            blocks.append(paragraph(" ".join(pending), page))
            pending.clear()

    for line in lines:
        for block in classify_line(line, page):
            if block.kind == "paragraph":
                pending.append(block.text)
                if block.text.endswith((".", "?", "!", "다", "요", "음", "함")):
                    flush()
            else:
                flush()
                blocks.append(block)
    flush()
    return blocks
