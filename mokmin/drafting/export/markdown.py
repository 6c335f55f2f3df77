"""Markdown export: YAML front matter carries the AI label as metadata; tables stay tables.

Item symbols are kept as text (``1.`` ``가.``) and indented with non-breaking spaces, because Markdown would
otherwise turn ``1.`` into its own list numbering and drop the 2타 indents.
"""

from __future__ import annotations

import json

from mokmin.drafting.draft import Block, Draft
from mokmin.drafting.export.base import Letterhead, export_blocks, metadata

NBSP = "\u00a0"


def _escape_marker(text: str) -> str:
    """Keep ``1.``/``-`` at the start of a line as literal text rather than Markdown list syntax."""
    stripped = text.lstrip(" ")
    indent = NBSP * (len(text) - len(stripped))
    if stripped[:1].isdigit() and ". " in stripped[:4]:
        number, rest = stripped.split(". ", 1)
        return f"{indent}{number}\\. {rest}"
    if stripped.startswith(("- ", "* ", "+ ")):
        return f"{indent}\\{stripped}"
    return indent + stripped


def _table(rows: list[list[str]]) -> str:
    width = max(len(row) for row in rows)
    padded = [row + [""] * (width - len(row)) for row in rows]
    lines = ["| " + " | ".join(padded[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(row) + " |" for row in padded[1:]]
    return "\n".join(lines)


def _block(block: Block) -> str:
    if block.kind == "table":
        return _table(block.rows)
    if block.kind == "title":
        return f"# {block.text}"
    if block.kind == "heading":
        return f"## {_escape_marker(block.text)}"
    if block.kind == "label":
        return f"---\n\n*{block.text}*"
    if block.kind == "quote":
        return f"> {block.text}"
    return _escape_marker(block.text)


def export_markdown(draft: Draft, letterhead: Letterhead | None = None) -> bytes:
    """The draft as UTF-8 Markdown with front matter (``ai_assisted``, ``ai_model``, ``ai_label``)."""
    meta = metadata(draft, letterhead)
    front = [
        "---",
        f"title: {json.dumps(meta['title'], ensure_ascii=False)}",
        f"author: {json.dumps(meta['author'], ensure_ascii=False)}",
        f"doc_type: {draft.doc_type}",
        f"language: {draft.language}",
        "ai_assisted: true",
        f"ai_model: {json.dumps(draft.label.model, ensure_ascii=False)}",
        f"ai_label: {json.dumps(draft.label.text, ensure_ascii=False)}",
        "---",
    ]
    body = [_block(block) for block in export_blocks(draft, letterhead)]
    return ("\n".join(front) + "\n\n" + "\n\n".join(body) + "\n").encode("utf-8")
