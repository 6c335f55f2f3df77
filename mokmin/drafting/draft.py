"""The structured draft: what every exporter and the checker read.

A draft is a list of sections; each section says whether code rendered it from facts or a model wrote it, so
that the invention check reads only the prose and the convention check can report on the code-rendered parts
separately (they must be right every time).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from mokmin.drafting.conventions import Language

BlockKind = Literal[
    "letterhead",  # 두문 기관명 / press-release banner
    "title",
    "subtitle",
    "meta",  # header field lines: 수신, 보도 시점, 일시 …
    "heading",  # section headings of reports and minutes
    "paragraph",
    "item",  # numbered or □○- item; its text includes the symbol
    "quote",
    "table",  # contact blocks, 결재선, 시행 lines: borderless tables
    "attachment",
    "signature",  # 발신명의, closing of letters
    "label",  # the AI-assistance label
]
Source = Literal["code", "prose"]
Align = Literal["left", "center", "right"]


class Block(BaseModel):
    """One paragraph-like unit of a document."""

    kind: BlockKind
    text: str = ""
    rows: list[list[str]] = Field(default_factory=list)
    level: int = Field(default=0, ge=0, le=8, description="indent level of items (0 = none)")
    align: Align = "left"

    def plain(self) -> str:
        """The block as plain text: tables become ``cell | cell`` lines; items keep their indent."""
        if self.kind == "table":
            return "\n".join(" | ".join(cell for cell in row if cell) for row in self.rows)
        return self.text


class DraftSection(BaseModel):
    """A run of blocks that came from one source: code (facts) or prose (a model, one prompt)."""

    key: str
    source: Source
    blocks: list[Block] = Field(default_factory=list)
    prompt: str = Field(default="", description="the prompt that produced a prose section")

    def plain(self) -> str:
        """The section as plain text, one block per line."""
        return "\n".join(block.plain() for block in self.blocks)


class AiLabel(BaseModel):
    """The AI-assistance disclosure (AI Basic Act, Art. 31): in the body and in file metadata."""

    model: str
    language: Language = "ko"

    @property
    def text(self) -> str:
        """The sentence printed at the end of the document."""
        if self.language == "en":
            return (
                f"This document was drafted with the assistance of generative AI (model: {self.model}) and "
                "reviewed by staff. Disclosed under Article 31 of Korea's Framework Act on Artificial Intelligence."
            )
        return (
            f"이 문서는 생성형 인공지능(모델: {self.model})의 도움을 받아 초안을 작성하였습니다. "
            "「인공지능 발전과 신뢰 기반 조성 등에 관한 기본법」 제31조에 따라 표시합니다."
        )

    @property
    def keyword(self) -> str:
        """A short machine-readable tag for file metadata."""
        return f"AI-assisted; model={self.model}"


class Draft(BaseModel):
    """A whole document: title, sections in order, and its AI label."""

    doc_type: str
    language: Language
    title: str
    sections: list[DraftSection]
    label: AiLabel

    def plain(self, *, with_label: bool = True) -> str:
        """The document as plain text, as a clerk would see it pasted into an editor."""
        parts = [section.plain() for section in self.sections if section.blocks]
        if with_label:
            parts.append(self.label.text)
        return "\n".join(parts)

    def text_of(self, source: Source) -> str:
        """Only the code-rendered (``"code"``) or only the model-written (``"prose"``) text."""
        return "\n".join(
            section.plain() for section in self.sections if section.source == source and section.blocks
        )

    def section(self, key: str) -> DraftSection:
        """The section named *key*; KeyError when the document has none."""
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)
