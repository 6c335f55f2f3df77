"""Rendering: prose comes from the writer, one prompt per section holding only that section's facts."""

from __future__ import annotations

from collections.abc import Iterator

from mokmin.drafting import FactOnlyWriter, render, render_section
from mokmin.drafting.doctypes import PressRelease
from mokmin.drafting.render import default_writer, prose_blocks
from tests.fixtures.drafting import LETTER, PRESS_RELEASE, REPORT


class RecordingWriter:
    """Remembers every prompt and answers with a fixed, messy text (markdown, its own numbering, its own 끝.)."""

    model_name = "recording"

    def __init__(self, text: str = "**1. 처리 결과를 알려 드립니다.**  끝.") -> None:
        self.text = text
        self.prompts: dict[str, str] = {}

    def __call__(self, section_key: str, prompt: str) -> Iterator[str]:
        self.prompts[section_key] = prompt
        yield self.text


def test_each_prompt_holds_only_its_own_facts() -> None:
    writer = RecordingWriter()
    render("press_release", PRESS_RELEASE, writer, notes="메모: 개관식 준비 완료")
    assert set(writer.prompts) == {"lead", "body"}
    lead = writer.prompts["lead"]
    assert "윤서진" in lead and "2026. 12. 3.(목) 14:00" in lead
    assert "044-000-2510" not in lead  # contacts are code's, never the model's
    assert "120,000" not in lead  # figures belong to the body only
    assert "장서 120,000권" in writer.prompts["body"]
    assert "메모: 개관식 준비 완료" in lead
    assert PressRelease.section("lead").fields == (
        "organisation",
        "head_title",
        "head_name",
        "event",
        "event_start",
        "place",
        "distributed_at",
    )


def test_writer_text_is_cleaned_and_numbered_by_code() -> None:
    draft = render("letter", LETTER, RecordingWriter())
    main = draft.section("main")
    assert [b.text for b in main.blocks] == ["4. 처리 결과를 알려 드립니다."]
    plain = draft.plain()
    assert plain.count("끝.") == 1


def test_regenerating_one_section_keeps_the_rest_and_the_single_end_mark() -> None:
    facts = {**LETTER, "attachments": []}
    draft = render("letter", facts, FactOnlyWriter())
    redone = render_section(
        draft, facts, "main", RecordingWriter("더 짧게 쓴 본문입니다."), instruction="더 짧게"
    )
    assert redone.section("main").blocks[0].text == "4. 더 짧게 쓴 본문입니다."
    assert "추가 지시: 더 짧게" in redone.section("main").prompt
    assert redone.section("summary") == draft.section("summary")
    assert redone.plain().count("끝.") == 1
    assert draft.plain().count("끝.") == 1  # the original is untouched


def test_bullets_style_gets_report_symbols() -> None:
    blocks = prose_blocks("- 첫째 요지\n* 둘째 요지\n○ 셋째", "bullets", "ko", level=2)
    assert [b.text for b in blocks] == ["  ○ 첫째 요지", "  ○ 둘째 요지", "  ○ 셋째"]


def test_streaming_callback_sees_every_chunk_and_label_names_model() -> None:
    seen: list[tuple[str, str]] = []
    draft = render("report", REPORT, default_writer(), on_chunk=lambda key, text: seen.append((key, text)))
    assert {key for key, _ in seen} == {"background", "details"}
    assert "FactOnlyWriter" in draft.label.text
    assert render("report", REPORT, model_name="gemma-3-4b").label.model == "gemma-3-4b"
