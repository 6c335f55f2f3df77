"""HTML pages (notices and press releases saved from the city website), read with the standard library.

Scripts, styles and navigation chrome are skipped; ``h1``–``h6`` become headings, table rows become text rows.
No entity expansion beyond HTML's fixed named entities happens here: ``html.parser`` knows no DTDs.
"""

from __future__ import annotations

from html.parser import HTMLParser

from mokmin.knowledge.ingest.base import Block, BlockKind, DocumentFormat, ParsedDocument, table_text
from mokmin.knowledge.ingest.text import decode_text
from mokmin.knowledge.safety import Deadline, Limits, check_text_length

_SKIP = {"script", "style", "noscript", "template", "nav", "footer", "svg"}
_BLOCK = {"p", "div", "li", "section", "article", "blockquote", "pre", "dd", "dt", "br", "main", "header"}
_HEADINGS = {f"h{n}": n for n in range(1, 7)}


class _BlockCollector(HTMLParser):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__(convert_charrefs=True)
        self.deadline = deadline
        self.blocks: list[Block] = []
        self.title = ""
        self._text: list[str] = []
        self._skip_depth = 0
        self._in_title = False
        self._heading_level = 0
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._events = 0

    def _flush(self) -> None:
        text = " ".join("".join(self._text).split())
        self._text = []
        if not text:
            return
        if self._heading_level:
            self.blocks.append(Block(BlockKind.HEADING, text, level=self._heading_level))
        else:
            self.blocks.append(Block(BlockKind.PARAGRAPH, text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._events += 1
        if self._events % 5000 == 0:
            self.deadline.check()
        if tag in _SKIP:
            self._skip_depth += 1
        elif tag == "title":
            self._in_title = True
        elif tag in _HEADINGS and self._rows is None:
            self._flush()
            self._heading_level = _HEADINGS[tag]
        elif tag == "table" and self._rows is None:
            self._flush()
            self._rows = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in {"td", "th"} and self._rows is not None:
            self._cell = []
        elif tag in _BLOCK and self._rows is None:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in _HEADINGS and self._rows is None:
            self._flush()
            self._heading_level = 0
        elif tag in {"td", "th"} and self._rows is not None and self._cell is not None:
            if not self._rows:
                self._rows.append([])
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._rows is not None:
            text = table_text(self._rows)
            if text:
                self.blocks.append(Block(BlockKind.TABLE, text))
            self._rows = None
        elif tag in _BLOCK and self._rows is None:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        if self._in_title:
            self.title += data
        elif self._cell is not None:
            self._cell.append(data)
        elif self._rows is None:
            self._text.append(data)


def parse_html(data: bytes, limits: Limits, deadline: Deadline) -> ParsedDocument:
    text = decode_text(data)
    check_text_length(len(text), limits)
    collector = _BlockCollector(deadline)
    collector.feed(text)
    collector.close()
    collector._flush()
    title = " ".join(collector.title.split())
    if not title:
        title = next((b.text for b in collector.blocks if b.kind == BlockKind.HEADING), "")
    return ParsedDocument(title, DocumentFormat.HTML, collector.blocks)
