"""Conventions rendered by code: dates, times, periods, amounts, item symbols, 붙임 and 끝."""

from __future__ import annotations

import datetime as dt

import pytest

from mokmin.drafting import conventions as cv


def test_date_has_spaces_final_dot_no_leading_zero_and_computed_weekday() -> None:
    assert cv.format_date(dt.date(2026, 11, 25)) == "2026. 11. 25.(수)"
    assert cv.format_date(dt.date(2026, 5, 3)) == "2026. 5. 3.(일)"
    assert cv.format_date(dt.date(2026, 5, 3), weekday=False) == "2026. 5. 3."
    assert cv.format_date(dt.date(2026, 11, 25), year=False) == "11. 25.(수)"


def test_english_dates_follow_govuk() -> None:
    assert cv.format_date(dt.date(2026, 11, 25), language="en") == "Wednesday 25 November 2026"
    assert (
        cv.format_period(dt.date(2026, 12, 18), dt.date(2026, 12, 27), language="en")
        == "18 to 27 December 2026"
    )
    assert (
        cv.format_period(dt.date(2026, 11, 30), dt.date(2026, 12, 2), language="en")
        == "30 November to 2 December 2026"
    )


@pytest.mark.parametrize(
    ("moment", "ko", "en"),
    [
        (dt.time(14, 0), "14:00", "2pm"),
        (dt.time(8, 10), "08:10", "8:10am"),
        (dt.time(12, 0), "12:00", "midday"),
        (dt.time(0, 0), "00:00", "midnight"),
        (dt.time(10, 30), "10:30", "10:30am"),
    ],
)
def test_times(moment: dt.time, ko: str, en: str) -> None:
    assert cv.format_time(moment) == ko
    assert cv.format_time(moment, language="en") == en


def test_periods_drop_shared_year_and_use_tilde_close() -> None:
    assert cv.format_period(dt.date(2026, 12, 18), dt.date(2026, 12, 27)) == "2026. 12. 18.~12. 27."
    assert cv.format_period(dt.date(2026, 12, 28), dt.date(2027, 1, 3)) == "2026. 12. 28.~2027. 1. 3."
    start, end = dt.datetime(2026, 11, 25, 14), dt.datetime(2026, 11, 25, 17)
    assert cv.format_time_range(start, end) == "2026. 11. 25.(수) 14:00~17:00"
    assert cv.format_time_range(start, end, language="en") == "Wednesday 25 November 2026, 2pm to 5pm"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (113560, "금113,560원(금일십일만삼천오백육십원)"),
        (10000, "금10,000원(금일만원)"),
        (1000000, "금1,000,000원(금일백만원)"),
        (620000000, "금620,000,000원(금육억이천만원)"),
        (100010, "금100,010원(금일십만일십원)"),
    ],
)
def test_official_amount(amount: int, expected: str) -> None:
    assert cv.format_amount_official(amount) == expected


def test_item_symbols_at_every_level() -> None:
    assert [cv.item_marker(level, 1) for level in range(1, 9)] == [
        "1.",
        "가.",
        "1)",
        "가)",
        "(1)",
        "(가)",
        "①",
        "㉮",
    ]
    assert cv.item_marker(8, 1) == "\u326e"
    assert [cv.hangul_sequence(i) for i in (1, 2, 14, 15, 16)] == ["가", "나", "하", "거", "너"]
    assert cv.circled_number(21) == "㉑"
    with pytest.raises(ValueError):
        cv.item_marker(9, 1)


def test_items_indent_two_spaces_per_level_and_lone_item_has_no_symbol() -> None:
    items = [
        cv.Item(
            text="첫째", children=[cv.Item(text="가"), cv.Item(text="나", children=[cv.Item(text="하나뿐")])]
        ),
        cv.Item(text="둘째"),
    ]
    assert cv.render_items(items) == ["1. 첫째", "  가. 가", "  나. 나", "    하나뿐", "2. 둘째"]


def test_attachments_and_end_mark() -> None:
    one = [cv.Attachment(name="계획서")]
    assert cv.render_attachments(one) == ["붙임  계획서 1부.  끝."]
    two = [cv.Attachment(name="계획서"), cv.Attachment(name="명단", copies=2)]
    assert cv.render_attachments(two) == ["붙임  1. 계획서 1부.", "      2. 명단 2부.  끝."]
    assert cv.with_end_mark("알려 드립니다.") == "알려 드립니다.  끝."


def test_press_contact_rows() -> None:
    rows = cv.press_contact_rows(
        "도서관정책과",
        cv.Contact(title="과장", name="오민석", phone="044-000-2510"),
        [cv.Contact(title="주무관", name="한지유", phone="044-000-2514")],
    )
    assert rows == [
        ["담당 부서", "도서관정책과", "책임자", "과장 오민석 (044-000-2510)"],
        ["", "", "담당자", "주무관 한지유 (044-000-2514)"],
    ]


def test_josa_follows_final_consonant() -> None:
    assert cv.josa("한빛시장", "은", "는") == "한빛시장은"
    assert cv.josa("의장님", "을", "를") == "의장님을"
    assert cv.josa("구청장", "은", "는") == "구청장은"
    assert cv.josa("시의회", "은", "는") == "시의회는"
