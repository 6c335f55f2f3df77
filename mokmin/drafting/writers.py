"""Section writers that need no model: the offline default and a deliberately unfaithful one for tests and
the benchmark.

A writer is any callable ``write_section(section_key, prompt) -> Iterator[str]`` that streams the text of one
prose section. The lead connects the model gateway through :func:`mokmin.drafting.render.default_writer`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from mokmin.core.errors import Conflict
from mokmin.core.levels import DataLevel

WriteSection = Callable[[str, str], Iterator[str]]

_MARKER = re.compile(r"\[mokmin:(\w+)=([\w-]+)\]")
_FACT_HEADS = ("사실:", "Facts:")
_STOP_HEADS = re.compile(r"^(메모:|Notes:|자료 \d+:|Source \d+:|추가 지시:|Extra instruction:)")


def prompt_markers(prompt: str) -> dict[str, str]:
    """The ``[mokmin:key=value]`` markers at the top of a section prompt (section, style, language)."""
    first = prompt.splitlines()[0] if prompt else ""
    return dict(_MARKER.findall(first))


def prompt_facts(prompt: str) -> list[tuple[str, str]]:
    """The ``- label: value`` fact lines of a section prompt."""
    facts: list[tuple[str, str]] = []
    inside = False
    for line in prompt.splitlines():
        if line.strip() in _FACT_HEADS:
            inside = True
            continue
        if inside and _STOP_HEADS.match(line):
            break
        if inside and line.startswith("- ") and ": " in line:
            label, value = line[2:].split(": ", 1)
            facts.append((label.strip(), value.strip()))
    return facts


class FactOnlyWriter:
    """Writes each section as plain sentences restating its facts, word for word; no model, no invention.

    The offline stand-in until the model gateway is connected: a draft made with it is correctly formed and
    says nothing the clerk did not enter, which also makes it the faithful baseline of the invention check.
    """

    model_name = "FactOnlyWriter (오프라인, 모델 없음)"
    offline = True  # calls no model: nothing leaves the process, whatever the data level

    def __call__(self, section_key: str, prompt: str) -> Iterator[str]:
        markers = prompt_markers(prompt)
        facts = prompt_facts(prompt)
        if not facts:
            return
        if markers.get("style") == "bullets":
            bullet = "○" if markers.get("language", "ko") == "ko" else "-"
            text = "\n".join(f"{bullet} {label}: {value}" for label, value in facts)
        else:
            text = " ".join(
                f"{label}: {value}." if not value.endswith(".") else f"{label}: {value}"
                for label, value in facts
            )
        for word in text.split(" "):
            yield word + " "


class InjectingWriter:
    """Wraps a writer and adds one invented sentence to one section: the invention check must catch it."""

    def __init__(self, inner: WriteSection, sentence: str, *, section_key: str | None = None) -> None:
        self.inner = inner
        self.sentence = sentence
        self.section_key = section_key
        self.model_name = f"InjectingWriter({getattr(inner, 'model_name', 'writer')})"
        self._done = False

    def __call__(self, section_key: str, prompt: str) -> Iterator[str]:
        yield from self.inner(section_key, prompt)
        if not self._done and (self.section_key is None or self.section_key == section_key):
            self._done = True
            yield " " + self.sentence


def with_level(writer: WriteSection, level: DataLevel) -> WriteSection:
    """*writer*, carrying the draft's data level to the model gateway.

    A governed writer exposes the level of its requests as ``level``; it is raised (never lowered) to *level*.
    A writer that calls no model (``offline = True``) needs none. Any other writer cannot say what it sends,
    so above open data it is refused rather than trusted (fail closed).
    """
    if level is DataLevel.OPEN or getattr(writer, "offline", False):
        return writer
    current = getattr(writer, "level", None)
    if isinstance(current, DataLevel):
        writer.level = DataLevel.highest(current, level)  # type: ignore[attr-defined]
        return writer
    raise Conflict("drafting.error.level_unsupported", level=level.value)
