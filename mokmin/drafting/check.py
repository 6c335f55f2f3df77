"""The draft checker: possible inventions in the prose and broken conventions anywhere, listed beside the draft.

Works on a generated :class:`~mokmin.drafting.draft.Draft` (where it knows which lines code wrote) and on any
hand-written Markdown or plain-text document (``mokmin draft check FILE``), where the invention check runs only
when facts or sources are given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, Field

from mokmin.drafting import conventions as cv
from mokmin.drafting.draft import Draft
from mokmin.drafting.findings import Finding
from mokmin.drafting.invention import find_inventions, known_from
from mokmin.drafting.lint import detect_doc_type, detect_language, lint_text

__all__ = ["CheckReport", "check_draft", "check_text"]


class CheckReport(BaseModel):
    """What the checker found; empty lists mean a clean document."""

    language: cv.Language
    doc_type: str | None
    conventions: list[Finding] = Field(default_factory=list)
    inventions: list[Finding] = Field(default_factory=list)
    invention_checked: bool = True

    @property
    def ok(self) -> bool:
        """No finding of either kind."""
        return not self.conventions and not self.inventions

    def conventions_from(self, source: str) -> list[Finding]:
        """Convention findings on lines that code (``"code"``) or the model (``"prose"``) wrote."""
        return [f for f in self.conventions if f.source == source]

    def describe(self) -> str:
        """A plain report for the terminal, Korean first."""
        lines = [f"관례 위반 {len(self.conventions)}건"]
        lines += [f"  {f.describe()}" for f in self.conventions]
        if self.invention_checked:
            lines.append(f"사실에 없는 내용(확인 필요) {len(self.inventions)}건")
            lines += [f"  {f.describe()}" for f in self.inventions]
        else:
            lines.append("사실·자료가 없어 창작 여부는 확인하지 않았습니다(--facts로 사실을 주세요).")
        return "\n".join(lines)


def _field_titles(model: type[BaseModel]) -> list[str]:
    """Every field title of a facts model, nested models included (writers may name facts by their label)."""
    titles: list[str] = []
    for info in model.model_fields.values():
        if info.title:
            titles.append(info.title)
        for arg in _nested(info.annotation):
            titles.extend(_field_titles(arg))
    return titles


def _nested(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in getattr(annotation, "__args__", ()):
        found.extend(_nested(arg))
    return found


def check_draft(
    draft: Draft,
    facts: BaseModel | Mapping[str, Any] | None = None,
    *,
    notes: str = "",
    sources: Sequence[str] = (),
) -> CheckReport:
    """Check a generated draft: conventions on every line, inventions only in the model-written sections."""
    text = draft.plain(with_label=False)
    line_source: list[str] = []
    for section in draft.sections:
        if section.blocks:
            line_source += [section.source] * len(section.plain().splitlines())
    conventions = lint_text(text, language=draft.language, doc_type=draft.doc_type)
    for finding in conventions:
        index = finding.line - 1
        finding.source = line_source[index] if 0 <= index < len(line_source) else "unknown"  # type: ignore[assignment]
    titles = _field_titles(type(facts)) if isinstance(facts, BaseModel) else []
    known = known_from(facts, [notes, *sources, draft.text_of("code"), *titles])
    inventions: list[Finding] = []
    offset = 0
    for section in draft.sections:
        if not section.blocks:
            continue
        body = section.plain()
        if section.source == "prose":
            found = find_inventions(body, known, language=draft.language, line_offset=offset)
            for finding in found:
                finding.source = "prose"
            inventions += found
        offset += len(body.splitlines())
    return CheckReport(
        language=draft.language, doc_type=draft.doc_type, conventions=conventions, inventions=inventions
    )


_MARKDOWN = re.compile(r"^\s{0,3}(?:#+\s+|>\s?)|\*\*|__")


def markdown_to_text(text: str) -> str:
    """Plain text from Markdown: heading marks, quotes and emphasis dropped; tables become ``a | b`` lines."""
    lines = []
    for line in text.splitlines():
        if re.fullmatch(r"\s*\|?[\s:|-]+\|?\s*", line) and "-" in line:
            continue  # table separator row
        if line.strip().startswith("|"):
            line = " | ".join(cell.strip() for cell in line.strip().strip("|").split("|") if cell.strip())
        line = line.replace("\u00a0", " ").replace("\\.", ".")
        lines.append(re.sub(r"^(\s*)\\([-*+])", r"\1\2", _MARKDOWN.sub("", line)))
    return "\n".join(lines)


def check_text(
    text: str,
    *,
    facts: BaseModel | Mapping[str, Any] | None = None,
    doc_type: str | None = None,
    language: cv.Language | None = None,
    notes: str = "",
    sources: Sequence[str] = (),
) -> CheckReport:
    """Check a hand-written document. Without facts or sources only the conventions are checked."""
    plain = markdown_to_text(text)
    lang = language or detect_language(plain)
    kind = doc_type or detect_doc_type(plain, lang)
    conventions = lint_text(plain, language=lang, doc_type=kind)
    if facts is None and not sources and not notes.strip():
        return CheckReport(language=lang, doc_type=kind, conventions=conventions, invention_checked=False)
    known = known_from(facts, [notes, *sources])
    inventions = find_inventions(plain, known, language=lang)
    return CheckReport(language=lang, doc_type=kind, conventions=conventions, inventions=inventions)
