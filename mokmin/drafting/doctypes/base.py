"""What a document type is: a typed model of facts, a layout of code-rendered parts and prose slots, and one
prompt builder per prose section that sees only the facts that section needs.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import BaseModel

from mokmin.drafting import conventions as cv
from mokmin.drafting.conventions import Language
from mokmin.drafting.draft import Align, Block
from mokmin.drafting.facts import DocFacts, parse_facts

ProseStyle = Literal["paragraphs", "bullets", "numbered", "speech"]


@dataclass(frozen=True)
class CodePart:
    """Blocks rendered from facts by code."""

    key: str
    blocks: list[Block]


@dataclass(frozen=True)
class ProseSlot:
    """A place for one prose section; ``marker`` is the item symbol code puts in front (``2.``)."""

    key: str
    marker: str = ""
    level: int = 0


@dataclass(frozen=True)
class EndMark:
    """``끝.`` goes after the last text before this point (used when there is no 붙임)."""


Part = CodePart | ProseSlot | EndMark


@dataclass(frozen=True)
class ProseSection:
    """One section the model writes: its instruction and the only facts it may see."""

    key: str
    title_ko: str
    title_en: str
    fields: tuple[str, ...]
    instruction_ko: str
    instruction_en: str
    style: ProseStyle = "paragraphs"

    def facts_for(self, facts: DocFacts) -> list[tuple[str, str]]:
        """``(label, value)`` pairs of this section's fields, values already in the document's conventions."""
        lines: list[tuple[str, str]] = []
        for name in self.fields:
            value = getattr(facts, name)
            if value is None or value == [] or value == "":
                continue
            info = type(facts).model_fields[name]
            label = (info.title or name) if facts.lang == "ko" else name.replace("_", " ")
            lines.append((label, describe(value, facts.lang)))
        return lines

    def prompt(
        self, facts: DocFacts, *, notes: str = "", sources: Sequence[str] = (), instruction: str = ""
    ) -> str:
        """The full prompt for this section: instruction, facts (only its own), the user's notes and sources."""
        ko = facts.lang == "ko"
        lines = [
            f"[mokmin:section={self.key}] [mokmin:style={self.style}] [mokmin:language={facts.lang}]",
            self.instruction_ko if ko else self.instruction_en,
            "사실 밖의 숫자·날짜·이름·기관은 쓰지 마세요. 제목·날짜 머리·번호·끝 표시는 쓰지 마세요."
            if ko
            else "Use no number, date, name or organisation that is not in the facts. Do not write headings.",
        ]
        if instruction:
            lines.append(("추가 지시: " if ko else "Extra instruction: ") + instruction)
        lines.append("사실:" if ko else "Facts:")
        lines.extend(f"- {label}: {value}" for label, value in self.facts_for(facts))
        if notes.strip():
            lines += ["메모:" if ko else "Notes:", notes.strip()]
        for index, source in enumerate(sources, start=1):
            lines += [f"자료 {index}:" if ko else f"Source {index}:", source.strip()]
        return "\n".join(lines)


def describe(value: Any, language: Language) -> str:
    """A fact value written as the document writes it (dates with weekdays, 24-hour times, amounts)."""
    if isinstance(value, dt.datetime):
        return cv.format_datetime(value, language=language)
    if isinstance(value, dt.date):
        return cv.format_date(value, language=language)
    if isinstance(value, dt.time):
        return cv.format_time(value, language=language)
    if isinstance(value, bool):
        return ("예" if value else "아니요") if language == "ko" else ("yes" if value else "no")
    if isinstance(value, int | float):
        return cv.format_number(value)
    if isinstance(value, list | tuple):
        return "; ".join(describe(item, language) for item in value)
    if isinstance(value, BaseModel):
        describer = getattr(value, "describe", None)
        if callable(describer):
            return str(describer(language))
        return ", ".join(
            describe(v, language) for v in value.model_dump(exclude_none=True).values() if v not in ("", [])
        )
    return str(value)


class DocType(ABC):
    """A kind of document. Subclasses set the class attributes and implement :meth:`layout`."""

    key: ClassVar[str]
    name_ko: ClassVar[str]
    name_en: ClassVar[str]
    facts_model: ClassVar[type[DocFacts]]
    sections: ClassVar[tuple[ProseSection, ...]]
    #: Header fields the checker requires in a document of this type, per language.
    required_fields: ClassVar[dict[Language, tuple[str, ...]]] = {"ko": (), "en": ()}

    @classmethod
    def parse(cls, data: object) -> DocFacts:
        """Validated facts, or :class:`~mokmin.drafting.errors.FactsInvalid` naming each bad field."""
        return parse_facts(cls.facts_model, data)

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        """The JSON schema of the facts (shown as a form; printed by ``mokmin draft TYPE --schema``)."""
        return cls.facts_model.model_json_schema()

    @classmethod
    def section(cls, key: str) -> ProseSection:
        """The prose section named *key*."""
        for section in cls.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    @classmethod
    @abstractmethod
    def title(cls, facts: DocFacts) -> str:
        """The document title as printed."""

    @classmethod
    @abstractmethod
    def layout(cls, facts: DocFacts) -> list[Part]:
        """The document in order: code-rendered parts, prose slots, and where ``끝.`` goes."""


def meta(text: str, *, align: Align = "left") -> Block:
    """A header field line."""
    return Block(kind="meta", text=text, align=align)


def items(lines: list[str], kind: Literal["item", "paragraph"] = "item") -> list[Block]:
    """Item blocks from rendered lines, keeping the level their indent gives."""
    return [Block(kind=kind, text=line, level=(len(line) - len(line.lstrip(" "))) // 2 + 1) for line in lines]
