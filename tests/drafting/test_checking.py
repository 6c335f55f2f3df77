"""The standalone checker (mokmin/drafting/checking.py): text from uploads kept as written, facts as JSON, and the
same report as for generated drafts."""

from __future__ import annotations

import json

import pytest

from mokmin.core.errors import TooLarge, ValidationFailed
from mokmin.drafting import FactOnlyWriter, InjectingWriter, export, render
from mokmin.drafting.checking import MAX_FILE_BYTES, check_document, text_of_file
from mokmin.drafting.errors import FactsInvalid
from mokmin.knowledge import DocumentRejected
from tests.fixtures.drafting import LETTER, PRESS_RELEASE

WRONG_WEEKDAY = "한빛시\n수신  시민 여러분\n제목  보안등 수리 결과 알림\n1. 2026. 11. 25.(목) 14:00에 수리하였습니다.  끝."


@pytest.mark.parametrize("fmt", ["hwpx", "docx", "md"])
@pytest.mark.parametrize(("kind", "facts"), [("press_release", PRESS_RELEASE), ("letter", LETTER)])
def test_an_exported_draft_reads_back_clean_except_the_invented_figure(
    fmt: str, kind: str, facts: dict[str, object]
) -> None:
    writer = InjectingWriter(FactOnlyWriter(), "시민 1,500명이 참석했다.")
    data = export(render(kind, facts, writer), None, fmt)  # type: ignore[arg-type]
    text = text_of_file(data, f"초안.{fmt}")
    checked = check_document(text, doc_type=kind, facts_json=json.dumps(facts, ensure_ascii=False))
    assert checked.report.conventions == []  # spacing (2타 indents, "  끝.") survives the upload
    assert [(f.rule, f.text) for f in checked.report.inventions] == [("invented-number", "1,500")]
    line = checked.report.inventions[0].line
    assert "1,500" in checked.lines[line - 1]


def test_conventions_without_facts_and_the_line_they_are_on() -> None:
    checked = check_document(WRONG_WEEKDAY, language="ko")
    assert not checked.report.invention_checked
    weekday = next(f for f in checked.report.conventions if f.rule == "weekday")
    assert weekday.line == 4 and weekday.suggestion == "2026. 11. 25.(수)"
    assert 4 in checked.lines_with_findings()


def test_plain_text_files_in_utf8_or_cp949() -> None:
    assert text_of_file(WRONG_WEEKDAY.encode("cp949"), "공문.txt") == WRONG_WEEKDAY
    assert text_of_file(("\ufeff" + WRONG_WEEKDAY).replace("\n", "\r\n").encode(), "a.md") == WRONG_WEEKDAY
    with pytest.raises(ValidationFailed, match="encoding"):
        text_of_file(b"\xff\xfe\x00\xd8 broken \x81", "a.txt")


def test_uploads_that_cannot_be_checked_are_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        text_of_file(b"%PDF-1.7", "보고서.pdf")
    assert caught.value.message == "drafting.checker.error.file_type"
    with pytest.raises(TooLarge):
        text_of_file(b"a" * (MAX_FILE_BYTES + 1), "big.txt")
    with pytest.raises(DocumentRejected):
        text_of_file(b"this is not a zip", "fake.docx")


def test_facts_json_is_validated_as_the_chosen_type() -> None:
    with pytest.raises(ValidationFailed, match="facts_json"):
        check_document(WRONG_WEEKDAY, facts_json="{not json")
    with pytest.raises(ValidationFailed, match="facts_object"):
        check_document(WRONG_WEEKDAY, facts_json="[1, 2]")
    with pytest.raises(FactsInvalid, match="배포 일시"):
        check_document(
            WRONG_WEEKDAY, doc_type="press_release", facts_json='{"distributed_at": "2026-02-31T14:00"}'
        )
    report = check_document("예산은 7억 원입니다.", facts_json='{"budget": 620000000}').report
    assert [f.text for f in report.inventions] == ["7억"]


def test_empty_and_overlong_text_are_refused() -> None:
    with pytest.raises(ValidationFailed, match="empty"):
        check_document("   \n")
    with pytest.raises(ValidationFailed, match="too_long"):
        check_document("가" * 100_001)
