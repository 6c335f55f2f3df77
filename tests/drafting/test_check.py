"""The checker: inventions in prose, broken conventions anywhere, on drafts and on hand-written text."""

from __future__ import annotations

import pytest

from mokmin.drafting import FactOnlyWriter, InjectingWriter, check_draft, check_text, get_doc_type, render
from tests.fixtures.drafting import ALL, LETTER, PRESS_RELEASE


@pytest.mark.parametrize("key", sorted(ALL))
def test_faithful_draft_is_quiet(key: str) -> None:
    facts = get_doc_type(key).parse(ALL[key])
    report = check_draft(render(key, facts, FactOnlyWriter()), facts)
    assert report.ok, report.describe()


def test_invented_figure_and_misspelt_name_are_flagged() -> None:
    facts = get_doc_type("press_release").parse(PRESS_RELEASE)
    writer = InjectingWriter(
        FactOnlyWriter(), "개관식에는 시민 1,500명이 몰렸다고 윤서신 시장이 말했다.", section_key="body"
    )
    report = check_draft(render("press_release", facts, writer), facts)
    found = {(f.rule, f.text) for f in report.inventions}
    assert ("invented-number", "1,500") in found
    misspelt = [f for f in report.inventions if f.rule == "misspelt-name"]
    assert misspelt and misspelt[0].text == "윤서신" and misspelt[0].suggestion == "윤서진"
    assert all(f.source == "prose" for f in report.inventions)


def test_invented_date_time_phone_and_unknown_person() -> None:
    facts = get_doc_type("letter").parse(LETTER)
    sentence = "12월 9일 15:00에 박민수 과장이 다시 점검하며, 문의는 044-000-9999로 하시기 바랍니다."
    report = check_draft(render("letter", facts, InjectingWriter(FactOnlyWriter(), sentence)), facts)
    rules = {f.rule: f.text for f in report.inventions}
    assert rules["invented-date"] == "12월 9일"
    assert rules["invented-time"] == "15:00"
    assert rules["invented-phone"] == "044-000-9999"
    assert rules["unknown-name"] == "박민수"


def test_korean_unit_amounts_match_facts() -> None:
    report = check_text("예산은 6억 2천만 원입니다.", facts={"budget": 620000000})
    assert report.inventions == []
    report = check_text("예산은 7억 원입니다.", facts={"budget": 620000000})
    assert [f.text for f in report.inventions] == ["7억"]


def test_sources_count_as_known() -> None:
    assert check_text("방문객은 1,284명이었다.", sources=["2025년 방문객 1284명"]).inventions == []


HAND_WRITTEN = """한빛시
수신  김하늘 님
(경유)
제목  보안등 수리 결과 알림
1. 관련: 도로관리과-4812(2026.11.20)
3. 2026. 11. 25.(목) 오후 2시에 수리하였습니다.
  가. 수리비: 금 113,560원
  가. 수리비: 금113,560원(금일십일만삼천원)
붙임: 사진 1부.  끝.
금일 중으로 확인할 것
시행  도로관리과-4821(2026. 11. 25.)"""


def test_hand_written_letter_conventions() -> None:
    report = check_text(HAND_WRITTEN)
    assert report.doc_type == "letter"
    assert not report.invention_checked
    rules = [(f.rule, f.line) for f in report.conventions]
    assert ("date-form", 5) in rules  # 2026.11.20 without spaces or final dot
    assert ("weekday", 6) in rules  # 25 November 2026 is a Wednesday
    assert ("time-form", 6) in rules  # 오후 2시
    assert ("numbering", 6) in rules  # 3. after 1.
    assert ("amount", 7) in rules  # 금 113,560원
    assert ("numbering", 8) in rules  # 가. twice
    assert ("amount", 8) in rules  # reading does not equal the figure
    assert ("attachment", 9) in rules  # 붙임:
    assert ("plain-language", 10) in rules  # 금일, ~할 것
    weekday = next(f for f in report.conventions if f.rule == "weekday")
    assert weekday.suggestion == "2026. 11. 25.(수)"


def test_end_mark_rules() -> None:
    twice = "수신  내부결재\n제목  시험\n1. 첫째입니다.  끝.\n2. 둘째입니다.  끝."
    assert any("두 번" in f.message for f in check_text(twice).conventions)
    before = "수신  내부결재\n제목  시험\n본문입니다.  끝.\n\n붙임  계획서 1부."
    assert any("마지막 붙임 뒤" in f.message for f in check_text(before).conventions)
    missing = "수신  내부결재\n제목  시험\n본문입니다."
    assert any("없습니다" in f.message for f in check_text(missing).conventions)
    spacing = "수신  내부결재\n제목  시험\n본문입니다. 끝."
    assert any("두 칸" in f.message for f in check_text(spacing).conventions)


def test_numbering_skip_and_lone_item() -> None:
    text = "수신  내부결재\n제목  시험\n1. 첫째\n  1) 건너뜀\n2. 둘째\n  가. 하나뿐  끝."
    messages = [f.message for f in check_text(text).conventions]
    assert any("건너뛰었습니다" in m for m in messages)
    assert any("하나뿐" in m for m in messages)


def test_press_release_missing_header_fields() -> None:
    text = "보도자료\n배포 일시  2026. 12. 1.(화) 14:00\n제목입니다\n본문입니다."
    missing = {f.text for f in check_text(text).conventions if f.rule == "header"}
    assert {"보도 시점", "담당 부서", "담당자"} <= missing


def test_correct_forms_are_not_flagged() -> None:
    text = "일시: 2026. 12. 18.(금)~12. 27.(일) 14:00~17:00\n금113,560원(금일십일만삼천오백육십원)\n12월 3일(목) 개관"
    assert check_text(text).conventions == []


def test_english_conventions() -> None:
    text = "Press release\nThe event is on November 25, 2026 at 2:00pm.\nIt runs 18-27 December.\nTuesday 25 November 2026"
    rules = {f.rule for f in check_text(text).conventions}
    assert {"date-form", "time-form", "period", "weekday", "header"} <= rules


def test_markdown_document_is_read_as_text() -> None:
    markdown = "# 제목\n\n| 담당 부서 | 도서관정책과 |\n|---|---|\n\n**2026. 11. 25.(수)**"
    assert check_text(markdown).conventions == []
