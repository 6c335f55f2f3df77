"""What every exporter shares: the office letterhead, the AI label block, and the document as one list of blocks.

Every export carries the AI-assistance label twice (AI Basic Act, Art. 31): as the last paragraph of the body and
in the file's own metadata, so it survives copying the text and survives stripping the body alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mokmin.core.errors import MokminError
from mokmin.drafting.conventions import Language
from mokmin.drafting.draft import Block, Draft
from mokmin.drafting.facts import Phone
from mokmin.drafting.logo import LogoKind, inspect_logo

ExportFormat = Literal["md", "hwpx", "docx", "pdf"]


class Letterhead(BaseModel):
    """The office's letterhead, from admin settings: printed at the top of every exported document.

    Only the institution's name is required: an office whose admin has not entered the address yet still
    exports (the studio tells the admin what is missing). The logo is either bytes (admin settings, kept in the
    database) or a file (CLI); either way it must be a small PNG or JPEG.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    institution: str = Field(min_length=1, max_length=80, title="기관명")
    address: str | None = Field(default=None, min_length=1, max_length=160, title="주소")
    phone: Phone | None = None
    fax: Phone | None = None
    postcode: str | None = Field(default=None, pattern=r"^\d{5}$", title="우편번호")
    homepage: str | None = Field(default=None, max_length=100, title="홈페이지")
    logo_path: Path | None = Field(default=None, title="로고 파일")
    logo: bytes | None = Field(default=None, title="로고", repr=False)

    @field_validator("logo_path")
    @classmethod
    def _logo_exists(cls, value: Path | None) -> Path | None:
        if value is not None and (
            not value.is_file() or value.suffix.lower() not in (".png", ".jpg", ".jpeg")
        ):
            raise ValueError(f"로고 파일이 없거나 PNG·JPEG가 아닙니다: {value}")
        return value

    @field_validator("logo")
    @classmethod
    def _logo_is_image(cls, value: bytes | None) -> bytes | None:
        if value is not None:
            try:
                inspect_logo(value)
            except MokminError as exc:
                raise ValueError(f"로고가 PNG·JPEG 그림이 아니거나 너무 큽니다 ({exc.message}).") from None
        return value

    def logo_image(self) -> tuple[bytes, LogoKind] | None:
        """The logo's bytes and format (``png`` or ``jpg``) for the exporters, or ``None``."""
        data = self.logo
        if data is None and self.logo_path is not None:
            data = self.logo_path.read_bytes()
        if data is None:
            return None
        return data, inspect_logo(data).kind

    def contact_line(self, language: Language = "ko") -> str:
        """``(00000) 한빛시 한빛로 1 · 전화 044-000-3121 · 팩스 044-000-3199 · www.hanbit.example.kr``;
        empty when the admin has entered none of them."""
        labels = ("전화", "팩스") if language == "ko" else ("Tel", "Fax")
        parts: list[str] = []
        if self.address:
            parts.append(f"({self.postcode}) {self.address}" if self.postcode else self.address)
        if self.phone:
            parts.append(f"{labels[0]} {self.phone}")
        if self.fax:
            parts.append(f"{labels[1]} {self.fax}")
        if self.homepage:
            parts.append(self.homepage)
        return " · ".join(parts)


def export_blocks(draft: Draft, letterhead: Letterhead | None) -> list[Block]:
    """The whole document in order: letterhead (when the office has set one), the draft's blocks, the AI label."""
    blocks: list[Block] = []
    if letterhead is not None:
        blocks += [
            Block(kind="letterhead", text=letterhead.institution, align="center"),
        ]
        contacts = letterhead.contact_line(draft.language)
        if contacts:
            blocks.append(Block(kind="meta", text=contacts, align="center"))
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
