"""Writing a draft without the database: tone and length as prompt instructions, whole-draft composition for
streaming, and clerk edits passed through the same cleaning as model prose.

Kept apart from :mod:`mokmin.drafting.service` because :func:`compose` runs in a worker thread with no session
open (a model may take a minute and no transaction should wait for it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from mokmin.core.errors import ValidationFailed
from mokmin.core.levels import DataLevel
from mokmin.drafting.draft import Draft
from mokmin.drafting.render import render, render_section
from mokmin.drafting.writers import WriteSection

Tone = Literal["formal", "plain", "warm"]
Length = Literal["short", "normal", "long"]
TONES: tuple[Tone, ...] = ("formal", "plain", "warm")
LENGTHS: tuple[Length, ...] = ("short", "normal", "long")
OnChunk = Callable[[str, str], None]

# What each option asks of the writer, in the document's language (formal/normal ask nothing extra).
_TONE_INSTRUCTIONS: dict[str, dict[str, str]] = {
    "plain": {
        "ko": "시민 눈높이로, 쉬운 우리말로 쓰세요.",
        "en": "Write in plain words any resident understands.",
    },
    "warm": {"ko": "따뜻하고 친근한 어조로 쓰세요.", "en": "Use a warm, friendly tone."},
}
_LENGTH_INSTRUCTIONS: dict[str, dict[str, str]] = {
    "short": {"ko": "더 짧게 쓰세요.", "en": "Keep it shorter."},
    "long": {"ko": "조금 더 자세히 쓰세요.", "en": "Write in a little more detail."},
}


@dataclass(frozen=True)
class GenerationPlan:
    """Everything :func:`compose` needs, read from the database beforehand (it holds no session)."""

    draft_id: int
    doc_type: str
    language: str
    facts: dict[str, Any]
    notes: str
    instruction: str
    sources: tuple[str, ...] = ()
    level: DataLevel = DataLevel.OPEN


def options_instruction(language: str, tone: str, length: str) -> str:
    """The extra instruction that tone and length add to every section prompt ('' for the defaults)."""
    lang = "en" if language == "en" else "ko"
    parts = [
        _TONE_INSTRUCTIONS.get(tone, {}).get(lang, ""),
        _LENGTH_INSTRUCTIONS.get(length, {}).get(lang, ""),
    ]
    return " ".join(part for part in parts if part)


class InstructedWriter:
    """Adds an extra instruction line (tone, length) to every prompt before the facts, then asks *inner*."""

    def __init__(self, inner: WriteSection, instruction: str) -> None:
        self.inner = inner
        self.instruction = instruction
        self.model_name = str(getattr(inner, "model_name", "unknown"))

    def __call__(self, section_key: str, prompt: str) -> Iterator[str]:
        return self.inner(section_key, with_instruction(prompt, self.instruction))


def with_instruction(prompt: str, instruction: str) -> str:
    """*prompt* with ``추가 지시: …`` (``Extra instruction: …``) inserted just before its facts."""
    if not instruction.strip():
        return prompt
    lines = prompt.splitlines()
    for index, line in enumerate(lines):
        if line.strip() in ("사실:", "Facts:"):
            head = "추가 지시: " if line.strip() == "사실:" else "Extra instruction: "
            return "\n".join([*lines[:index], head + instruction.strip(), *lines[index:]])
    return prompt


def model_name_of(writer: WriteSection, fallback: str | None = None) -> str:
    """The model name shown in the AI label: the writer's own, else what the caller asked for."""
    return str(getattr(writer, "model_name", None) or fallback or "unknown")


def compose(plan: GenerationPlan, writer: WriteSection, *, on_chunk: OnChunk | None = None) -> Draft:
    """Render the whole draft (no database): code writes the form, *writer* the prose, streamed to *on_chunk*."""
    instructed = InstructedWriter(writer, plan.instruction) if plan.instruction else writer
    return render(
        plan.doc_type,
        plan.facts,
        instructed,
        notes=plan.notes,
        sources=plan.sources,
        model_name=model_name_of(writer),
        on_chunk=on_chunk,
    )


class _Verbatim:
    """A 'writer' that returns the clerk's own text, so edits pass the same cleaning and ``끝.`` placement."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __call__(self, section_key: str, prompt: str) -> Iterator[str]:
        yield self.text


def apply_edits(content: Draft, facts: Mapping[str, Any], texts: Mapping[str, str]) -> Draft:
    """*content* with the prose sections named in *texts* replaced by the clerk's text."""
    edited = content
    for key, text in texts.items():
        require_prose_section(edited, key)
        if len(text) > 20000:
            raise ValidationFailed("drafting.error.text_long")
        before = edited.section(key)
        edited = render_section(edited, facts, key, _Verbatim(text))
        edited.section(key).prompt = before.prompt
    return edited


def require_prose_section(content: Draft, section_key: str) -> None:
    """Refuse a section key that is not a model-written section of *content* (code parts are not edited)."""
    if not any(s.key == section_key and s.source == "prose" for s in content.sections):
        raise ValidationFailed("drafting.error.no_section", section=section_key)
