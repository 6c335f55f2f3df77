"""Golden tests: for given facts the code-rendered parts of every type are exactly right; impossible facts are
refused with the field named."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mokmin.drafting import DOC_TYPES, FactsInvalid, get_doc_type, render
from mokmin.drafting.errors import UnknownDocType
from tests.fixtures.drafting import (
    ALL,
    LETTER,
    LETTER_EN,
    MINUTES,
    PRESS_RELEASE,
    PRESS_RELEASE_EN,
    REPORT,
    SPEECH,
)

GOLDEN: dict[str, str] = {
    "press_release": """보도자료
보도 시점  2026. 12. 2.(수) 11:00 이후 (엠바고)
배포 일시  2026. 12. 1.(화) 14:00
사진 있음(2매)
담당 부서 | 도서관정책과 | 책임자 | 과장 오민석 (044-000-2510)
담당자 | 주무관 한지유 (044-000-2514)
한빛시립도서관 12월 3일 개관, 평일 22:00까지 문 연다
- 평일 야간 개방으로 직장인 이용 확대 -
윤서진 한빛시장은 "시민 누구나 퇴근 뒤에도 책을 만날 수 있도록 하겠습니다"라고 말했다.
붙임  1. 개관식 행사 개요 1부.
      2. 도서관 배치도 1부.""",
    "report": """시립도서관 야간 개방 계획 (보고)
(2026. 11. 25.(수), 도서관정책과 주무관 한지유, 044-000-2514)
1. 추진 배경
2. 추진 개요
□ 기간: 2026. 12. 18.(금)~12. 27.(일)
□ 장소: 한빛시립도서관
□ 대상: 시민
□ 내용: 평일 22:00까지 열람실 개방
3. 세부 계획
4. 소요 예산
□ 총 12,000,000원
  ○ 인건비: 8,000,000원
  ○ 운영비: 4,000,000원
5. 추진 일정
□ 2026. 12. 1.(화)~12. 5.(토): 계획 수립""",
    "speech": """한빛시립도서관 개관식 축사
일시: 2026. 12. 3.(목) 14:00
장소: 한빛시립도서관
한빛시장 윤서진
존경하는 시민 여러분, 안녕하십니까?
한빛시장 윤서진입니다.
한도윤 의장님을 비롯한 내빈 여러분, 함께해 주셔서 감사합니다.
여러분 모두 건강하시고 행복하시기를 기원합니다.
감사합니다.""",
    "letter": """한빛시
수신  김하늘 님
(경유)
제목  가람동 보안등 고장 민원 처리 결과 알림
1. 관련: 도로관리과-4812(2026. 11. 20.)
2. 귀하의 가정에 평안을 기원합니다.
  가. 처리 결과: 보안등 수리 완료
  나. 수리비: 금113,560원(금일십일만삼천오백육십원)
5. 궁금한 사항은 도로관리과 주무관 정우진(전화 044-000-3121)에게 연락하여 주시기 바랍니다.
붙임  보안등 수리 전후 사진 1부.  끝.
한빛시장
주무관 정우진 | 도로관리과장 (전결)
시행  도로관리과-4821(2026. 11. 25.) | 접수
우 00000  한빛시 한빛로 1  / www.hanbit.example.kr
전화번호 044-000-3121  / 공개""",
    "minutes": """도서관 야간 개방 추진 회의 회의록
□ 회의 개요
  ○ 일시: 2026. 11. 26.(목) 10:00~11:40
  ○ 장소: 한빛시청 3층 소회의실
  ○ 주재: 도서관정책과장 오민석
  ○ 참석자: 총 2명(주무관 한지유, 주무관 정우진)
□ 상정 안건
  야간 개방 인력 배치
□ 주요 발언 요지
  ○ 주무관 한지유: 평일 22:00까지 2명 배치 필요
□ 결정 사항
  ○ 12월 18일부터 시범 운영
□ 향후 조치
  ○ 근무표 작성 (담당: 도서관정책과, 기한: 2026. 12. 4.(금))""",
}


@pytest.mark.parametrize("key", sorted(GOLDEN))
def test_code_rendered_parts_are_exact_korean(key: str) -> None:
    assert render(key, ALL[key]).text_of("code") == GOLDEN[key]


def test_letter_numbers_prose_items_in_order_and_ends_with_attachment_mark() -> None:
    lines = render("letter", LETTER).plain(with_label=False).splitlines()
    numbered = [line.split(" ", 1)[0] for line in lines if line[:1].isdigit()]
    assert numbered == ["1.", "2.", "3.", "4.", "5."]
    assert sum(line.endswith("  끝.") for line in lines) == 1
    assert lines[lines.index("붙임  보안등 수리 전후 사진 1부.  끝.") + 1] == "한빛시장"


def test_letter_without_attachment_puts_end_mark_after_last_body_item() -> None:
    facts = {**LETTER, "attachments": []}
    lines = render("letter", facts).plain(with_label=False).splitlines()
    assert lines[lines.index("한빛시장") - 1].startswith("5. 궁금한 사항은")
    assert lines[lines.index("한빛시장") - 1].endswith("바랍니다.  끝.")


def test_internal_approval_has_no_sender_and_says_naebu_gyeoljae() -> None:
    facts = {**LETTER, "kind": "내부결재", "recipients": [], "sender": None, "complaint_summary": None}
    text = render("letter", facts).plain()
    assert "수신  내부결재" in text
    assert "한빛시장\n" not in text


def test_several_recipients_go_to_the_closing() -> None:
    facts = {**LETTER, "kind": "시행문", "recipients": ["가람동장", "나래동장"]}
    text = render("letter", facts).plain()
    assert "수신  수신자 참조" in text
    assert "수신자  가람동장, 나래동장" in text


def test_press_release_without_embargo_is_released_immediately() -> None:
    facts = {**PRESS_RELEASE, "embargo": None, "photos": 0}
    text = render("press_release", facts).text_of("code")
    assert "보도 시점  배포 즉시" in text
    assert "사진 없음" in text


def test_english_press_release_golden() -> None:
    assert render("press_release", PRESS_RELEASE_EN).text_of("code") == (
        "Press release\n"
        "EMBARGOED UNTIL 11:00 Wednesday 2 December 2026\n"
        "Issued: Tuesday 1 December 2026, 2pm\n"
        "Hanbit City Library opens on 3 December\n"
        '"Everyone can read after work," said Mayor Yoon Seo-jin.\n'
        "Notes to editors\n"
        "The library opens until 10pm on weekdays.\n"
        "Media enquiries\n"
        "Library Policy Division\n"
        "Oh Min-seok, Director (044-000-2510)\n"
        "Han Ji-yu, Officer (044-000-2514)"
    )


def test_english_letter_golden() -> None:
    assert render("letter", LETTER_EN).text_of("code") == (
        "Hanbit City\n25 November 2026\nOur reference: 도로관리과-4821\nMs Kim Ha-neul\nDear Ms Kim,\n"
        "Repair of the street light in Garam-dong\n- Repair cost: KRW 113,560\nYours sincerely,\n"
        "Jeong U-jin, Officer\nRoad Management Division, Hanbit City\nPhone 044-000-3121"
    )


@pytest.mark.parametrize(
    ("key", "facts", "needle"),
    [
        (
            "report",
            {**REPORT, "language": "en"},
            "1. Background\n2. Overview\n- Dates: Friday 18 to Sunday 27 December 2026",
        ),
        ("speech", {**SPEECH, "language": "en"}, "Good afternoon, everyone.\nI am 윤서진, 한빛시장."),
        ("minutes", {**MINUTES, "language": "en"}, "- Date: Thursday 26 November 2026, 10am to 11:40am"),
    ],
)
def test_english_mode_of_other_types(key: str, facts: dict[str, Any], needle: str) -> None:
    draft = render(key, facts)
    assert needle in draft.text_of("code")
    assert "AI Basic" in draft.label.text or "Artificial Intelligence" in draft.label.text


def _refused(key: str, facts: dict[str, Any]) -> FactsInvalid:
    with pytest.raises(FactsInvalid) as caught:
        get_doc_type(key).parse(facts)
    return caught.value


def test_end_before_start_is_refused_with_the_field() -> None:
    error = _refused("minutes", {**MINUTES, "end": "2026-11-26T09:00"})
    assert "시작 일시" in error.message
    error = _refused("report", {**REPORT, "end": "2026-12-01"})
    assert error.problems[0].message.startswith("끝이 시작(시작일) 전입니다")


def test_31_february_is_refused_naming_the_field_and_the_month_length() -> None:
    error = _refused("report", {**REPORT, "report_date": "2026-02-31"})
    [problem] = error.problems
    assert problem.field == "report_date"
    assert problem.label == "보고일"
    assert "2026년 2월은 28일까지" in problem.message


def test_wrong_phone_form_is_refused_naming_the_nested_field() -> None:
    facts = copy.deepcopy(PRESS_RELEASE)
    facts["staff"][0]["phone"] = "0440002514"
    [problem] = _refused("press_release", facts).problems
    assert problem.field == "staff.0.phone"
    assert problem.label == "담당자 1 › 전화번호"
    assert "지역번호-국번-번호" in problem.message


def test_amount_that_is_not_a_number_is_refused() -> None:
    facts = copy.deepcopy(LETTER)
    facts["details"][1]["amount"] = "십일만 원"
    [problem] = _refused("letter", facts).problems
    assert problem.field == "details.1.amount"
    assert "금액이 숫자가 아닙니다" in problem.message


def test_amount_with_commas_and_won_is_accepted() -> None:
    facts = copy.deepcopy(LETTER)
    facts["details"][1]["amount"] = "금113,560원"
    assert "금113,560원(금일십일만삼천오백육십원)" in render("letter", facts).plain()


def test_other_impossible_facts() -> None:
    assert "엠바고" in _refused("press_release", {**PRESS_RELEASE, "embargo": "2026-11-30T10:00"}).message
    assert (
        "표 수"
        in _refused(
            "minutes", {**MINUTES, "votes": [{"item": "a", "yes": 9, "no": 0, "result": "가결"}]}
        ).message
    )
    assert "extra_field" in _refused("speech", {**SPEECH, "extra_field": 1}).problems[0].field
    assert "느낌표" in _refused("press_release", {**PRESS_RELEASE, "title": "도서관이 열립니다!"}).message


def test_registry_is_typed_and_complete() -> None:
    assert sorted(DOC_TYPES) == ["letter", "minutes", "press_release", "report", "speech"]
    assert get_doc_type("press-release") is DOC_TYPES["press_release"]
    with pytest.raises(UnknownDocType):
        get_doc_type("poem")
    for kind in DOC_TYPES.values():
        schema = kind.json_schema()
        assert schema["type"] == "object" and "organisation" in schema["properties"]
