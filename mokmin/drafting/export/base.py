"""What every exporter shares: the office letterhead, the AI label block, and the document as one list of blocks.

Every export carries the AI-assistance label twice (AI Basic Act, Art. 31): as the last paragraph of the body and
in the file's own metadata, so it survives copying the text and survives stripping the body alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mokmin.drafting.draft import Block, Draft
from mokmin.drafting.facts import Phone

ExportFormat = Literal["md", "hwpx", "docx", "pdf"]


class Letterhead(BaseModel):
    """The office's letterhead, from admin settings: printed at the top of every exported document."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    institution: str = Field(min_length=1, max_length=80, title="기관명")
    address: str = Field(min_length=1, max_length=160, title="주소")
    phone: Phone
    postcode: str | None = Field(default=None, pattern=r"^\d{5}$", title="우편번호")
    homepage: str | None = Field(default=None, max_length=100, title="홈페이지")
    logo_path: Path | None = Field(default=None, title="로고 파일")

    @field_validator("logo_path")
    @classmethod
    def _logo_exists(cls, value: Path | None) -> Path | None:
        if value is not None and (
            not value.is_file() or value.suffix.lower() not in (".png", ".jpg", ".jpeg")
        ):
            raise ValueError(f"로고 파일이 없거나 PNG·JPEG가 아닙니다: {value}")
        return value

    def contact_line(self) -> str:
        """``(00000) 한빛시 한빛로 1 · 전화 044-000-3121 · www.hanbit.example.kr``."""
        address = f"({self.postcode}) {self.address}" if self.postcode else self.address
        parts = [address, f"전화 {self.phone}"]
        if self.homepage:
            parts.append(self.homepage)
        return " · ".join(parts)


def export_blocks(draft: Draft, letterhead: Letterhead | None) -> list[Block]:
    """The whole document in order: letterhead (when the office has set one), the draft's blocks, the AI label."""
    blocks: list[Block] = []
    if letterhead is not None:
        blocks += [
            Block(kind="letterhead", text=letterhead.institution, align="center"),
            Block(kind="meta", text=letterhead.contact_line(), align="center"),
        ]
    for section in draft.sections:
        blocks.extend(section.blocks)
    blocks.append(Block(kind="label", text=draft.label.text))
    return blocks


def metadata(draft: Draft, letterhead: Letterhead | None) -> dict[str, str]:
    """File metadata every format writes: title, author, subject (the label), keywords (machine-readable tag)."""
    return {
        "title": draft.title,
        "author": letterhead.institution if letterhead is not None else "",
        "subject": draft.label.text,
        "keywords": f"{draft.label.keyword}; doc_type={draft.doc_type}; language={draft.language}",
    }
