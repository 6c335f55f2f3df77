"""Facts by code, prose by model: turn validated facts into a structured :class:`~mokmin.drafting.draft.Draft`.

Code renders every part that must be exact (header fields, dates, numbering, contact blocks, 붙임, ``끝.``);
the writer fills each prose slot from that section's own prompt. Whatever the writer returns is cleaned of the
things code owns (item symbols, ``끝.``, markdown), so a weak model still yields a correctly formed document.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from mokmin.drafting import conventions as cv
from mokmin.drafting.doctypes import DocType, get_doc_type
from mokmin.drafting.doctypes.base import CodePart, EndMark, ProseSection, ProseSlot
from mokmin.drafting.draft import AiLabel, Block, Draft, DraftSection
from mokmin.drafting.facts import DocFacts
from mokmin.drafting.writers import FactOnlyWriter, WriteSection

__all__ = ["default_writer", "prose_blocks", "render", "render_section"]

OnChunk = Callable[[str, str], None]


def default_writer() -> WriteSection:
    """The writer the CLI and pages use. Offline for now; the lead replaces it with the model gateway."""
    return FactOnlyWriter()


def _resolve(
    doc_type: type[DocType] | str, facts: DocFacts | Mapping[str, Any]
) -> tuple[type[DocType], DocFacts]:
    kind = get_doc_type(doc_type) if isinstance(doc_type, str) else doc_type
    parsed = facts if isinstance(facts, kind.facts_model) else kind.parse(facts)
    return kind, parsed


def render(
    doc_type: type[DocType] | str,
    facts: DocFacts | Mapping[str, Any],
    write_section: WriteSection | None = None,
    *,
    notes: str = "",
    sources: Sequence[str] = (),
    model_name: str | None = None,
    on_chunk: OnChunk | None = None,
) -> Draft:
    """Draft a whole document. *on_chunk(section_key, text)* sees the prose as it streams, for live pages."""
    kind, parsed = _resolve(doc_type, facts)
    writer = write_section or default_writer()
    sections: list[DraftSection] = []
    for part in kind.layout(parsed):
        if isinstance(part, CodePart):
            sections.append(DraftSection(key=part.key, source="code", blocks=list(part.blocks)))
        elif isinstance(part, ProseSlot):
            sections.append(
                _write(kind.section(part.key), part, parsed, writer, notes, sources, "", on_chunk)
            )
        elif isinstance(part, EndMark):
            _append_end_mark(sections)
    label = AiLabel(model=model_name or str(getattr(writer, "model_name", "unknown")), language=parsed.lang)
    return Draft(
        doc_type=kind.key, language=parsed.lang, title=kind.title(parsed), sections=sections, label=label
    )


def render_section(
    draft: Draft,
    facts: DocFacts | Mapping[str, Any],
    section_key: str,
    write_section: WriteSection,
    *,
    notes: str = "",
    sources: Sequence[str] = (),
    instruction: str = "",
) -> Draft:
    """A copy of *draft* with one prose section written again, e.g. with the instruction ``더 짧게``."""
    kind, parsed = _resolve(draft.doc_type, facts)
    slot = next(p for p in kind.layout(parsed) if isinstance(p, ProseSlot) and p.key == section_key)
    fresh = _write(kind.section(section_key), slot, parsed, write_section, notes, sources, instruction, None)
    sections = [fresh if s.key == section_key and s.source == "prose" else s for s in draft.sections]
    rebuilt = draft.model_copy(update={"sections": [s.model_copy(deep=True) for s in sections]})
    if any(isinstance(p, EndMark) for p in kind.layout(parsed)):
        _reposition_end_mark(rebuilt)
    return rebuilt


def _write(
    section: ProseSection,
    slot: ProseSlot,
    facts: DocFacts,
    writer: WriteSection,
    notes: str,
    sources: Sequence[str],
    instruction: str,
    on_chunk: OnChunk | None,
) -> DraftSection:
    prompt = section.prompt(facts, notes=notes, sources=sources, instruction=instruction)
    chunks: list[str] = []
    for chunk in writer(section.key, prompt):
        chunks.append(chunk)
        if on_chunk is not None:
            on_chunk(section.key, chunk)
    blocks = prose_blocks("".join(chunks), section.style, facts.lang, marker=slot.marker, level=slot.level)
    return DraftSection(key=section.key, source="prose", blocks=blocks, prompt=prompt)


# --- cleaning what the model wrote ------------------------------------------------------------------------

_MARKDOWN = re.compile(r"(\*\*|__|`)")
_HEADING = re.compile(r"^#+\s*")
_LIST_BULLET = re.compile(r"^\s*(?:[*•]|-(?=\s))\s*")
_LEGAL_MARKER = re.compile(r"^\s*(?:\d+[.)]|[가-힣][.)]|\(\d+\)|\([가-힣]\)|[①-⑳㉮-㉻])\s+")
_REPORT_MARKER = re.compile(r"^\s*[□○ㅇ\-·※*]\s*")


def _clean_lines(text: str) -> list[str]:
    lines = []
    for raw in text.splitlines():
        line = _HEADING.sub("", _MARKDOWN.sub("", raw)).strip()
        line = cv.strip_end_mark(line)
        if line:
            lines.append(line)
    return lines


def prose_blocks(
    text: str, style: str, language: cv.Language, *, marker: str = "", level: int = 0
) -> list[Block]:
    """Blocks from a writer's text, with code's item symbol (``marker``) and the symbols of the style."""
    lines = _clean_lines(text)
    if not lines:
        return []
    if style == "numbered":
        body = " ".join(_LEGAL_MARKER.sub("", line) for line in lines)
        return [Block(kind="item" if marker else "paragraph", text=f"{marker} {body}".strip(), level=level)]
    if style == "bullets":
        bullet = "○" if language == "ko" else "-"
        indent = "  " * max(level - 1, 0)
        return [
            Block(kind="item", text=f"{indent}{bullet} {_REPORT_MARKER.sub('', line)}", level=max(level, 1))
            for line in lines
        ]
    return [Block(kind="paragraph", text=_LIST_BULLET.sub("", line)) for line in lines]


# --- 끝. ---------------------------------------------------------------------------------------------------


def _append_end_mark(sections: list[DraftSection]) -> None:
    """Put ``끝.`` two spaces after the last text written so far (no 붙임 follows)."""
    for section in reversed(sections):
        for block in reversed(section.blocks):
            if block.kind in ("item", "paragraph") and block.text.strip():
                block.text = cv.with_end_mark(block.text)
                return


def _reposition_end_mark(draft: Draft) -> None:
    """After a section is rewritten the mark may be gone or misplaced: strip every mark and place one again."""
    last_body = -1
    for index, section in enumerate(draft.sections):
        for block in section.blocks:
            if block.kind in ("item", "paragraph"):
                block.text = cv.strip_end_mark(block.text)
                last_body = index
            if block.kind == "attachment":
                return  # the 붙임 line carries the mark and code wrote it
    if last_body >= 0:
        _append_end_mark(draft.sections[: last_body + 1])
