"""Korean public-document conventions, rendered by code so that a model can never get them wrong.

Every function here is pure and follows ../shared/KOREAN_DOCUMENTS.md: dates ``2026. 11. 25.(수)`` with the
weekday computed (영 §7⑤), 24-hour times, periods with ``~``, the 공문 amount form
``금113,560원(금일십일만삼천오백육십원)`` (규칙 §2②), item symbols ``1. 가. 1) 가) (1) (가) ① ㉮`` (규칙 §2①),
``붙임`` and ``끝.`` placement (편람), and the English (GOV.UK) forms used in English mode.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

Language = Literal["ko", "en"]

WEEKDAYS_KO = "월화수목금토일"
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

#: Two half-width spaces: the 편람's "2타" used before ``끝.``, after ``붙임`` and per item level.
TWO_SPACES = "  "
END_MARK = "끝."


# --- dates and times -------------------------------------------------------------------------------------


def weekday_ko(day: dt.date) -> str:
    """The one-syllable Korean weekday (``수``) of *day*, computed, never guessed."""
    return WEEKDAYS_KO[day.weekday()]


def format_date(day: dt.date, *, weekday: bool = True, year: bool = True, language: Language = "ko") -> str:
    """``2026. 11. 25.(수)`` in Korean; ``Wednesday 25 November 2026`` in English (GOV.UK)."""
    if language == "en":
        text = f"{day.day} {MONTHS_EN[day.month - 1]}"
        if year:
            text += f" {day.year}"
        return f"{WEEKDAYS_EN[day.weekday()]} {text}" if weekday else text
    text = f"{day.year}. {day.month}. {day.day}." if year else f"{day.month}. {day.day}."
    return f"{text}({weekday_ko(day)})" if weekday else text


def format_time(moment: dt.time, *, language: Language = "ko") -> str:
    """``14:00`` (24시각제) in Korean; ``2pm``, ``10:30am``, ``midday``, ``midnight`` in English."""
    if language == "ko":
        return f"{moment.hour:02d}:{moment.minute:02d}"
    if moment.minute == 0 and moment.hour in (0, 12):
        return "midnight" if moment.hour == 0 else "midday"
    suffix = "am" if moment.hour < 12 else "pm"
    hour = moment.hour % 12 or 12
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def format_datetime(moment: dt.datetime, *, weekday: bool = True, language: Language = "ko") -> str:
    """``2026. 11. 25.(수) 14:00`` in Korean; ``Wednesday 25 November 2026, 2pm`` in English."""
    day = format_date(moment.date(), weekday=weekday, language=language)
    sep = ", " if language == "en" else " "
    return f"{day}{sep}{format_time(moment.time(), language=language)}"


def format_period(start: dt.date, end: dt.date, *, weekday: bool = False, language: Language = "ko") -> str:
    """``2026. 12. 18.~12. 27.`` (year dropped when shared); ``18 to 27 December 2026`` in English."""
    if language == "en":
        return _format_period_en(start, end, weekday=weekday)
    same_year = start.year == end.year
    first = format_date(start, weekday=weekday)
    return f"{first}~{format_date(end, weekday=weekday, year=not same_year)}"


def _format_period_en(start: dt.date, end: dt.date, *, weekday: bool) -> str:
    """GOV.UK ranges use "to", never a dash, and drop what the two ends share."""
    last = format_date(end, weekday=weekday, language="en")
    if start.year != end.year:
        first = format_date(start, weekday=weekday, language="en")
    elif start.month != end.month:
        first = format_date(start, weekday=weekday, year=False, language="en")
    else:
        first = f"{WEEKDAYS_EN[start.weekday()]} {start.day}" if weekday else str(start.day)
    return f"{first} to {last}"


def format_time_range(start: dt.datetime, end: dt.datetime, *, language: Language = "ko") -> str:
    """``2026. 11. 25.(수) 14:00~17:00``; across days the end date is written too."""
    first = format_datetime(start, language=language)
    joiner = " to " if language == "en" else "~"
    if start.date() == end.date():
        return f"{first}{joiner}{format_time(end.time(), language=language)}"
    if language == "en":
        return f"{first}{joiner}{format_datetime(end, language='en')}"
    same_year = start.year == end.year
    end_day = format_date(end.date(), year=not same_year)
    return f"{first}~{end_day} {format_time(end.time())}"


# --- numbers and amounts ---------------------------------------------------------------------------------

_DIGITS = "영일이삼사오육칠팔구"
_SMALL_UNITS = ("", "십", "백", "천")
_BIG_UNITS = ("", "만", "억", "조", "경")


def format_number(value: int | float) -> str:
    """Arabic numerals with thousands commas (``1,284``); decimals kept as given."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,}"
    return f"{int(value):,}"


def korean_reading(amount: int) -> str:
    """The reading of *amount* in Hangul, ``113560`` → ``일십일만삼천오백육십`` (the 규칙 example's 일십 style)."""
    if amount < 0:
        raise ValueError("amount must not be negative")
    if amount == 0:
        return "영"
    groups: list[int] = []
    while amount:
        groups.append(amount % 10000)
        amount //= 10000
    if len(groups) > len(_BIG_UNITS):
        raise ValueError("amount too large")
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        digits = f"{group:04d}"
        part = "".join(
            _DIGITS[int(digit)] + _SMALL_UNITS[3 - pos] for pos, digit in enumerate(digits) if digit != "0"
        )
        words.append(part + _BIG_UNITS[index])
    return "".join(words)


def format_amount_official(amount: int) -> str:
    """The 공문 amount ``금113,560원(금일십일만삼천오백육십원)``: no spaces, reading equal to the figure."""
    return f"금{amount:,}원(금{korean_reading(amount)}원)"


def format_amount(amount: int, *, language: Language = "ko") -> str:
    """Amounts in reports and press releases: ``113,560원``; English spells the currency: ``KRW 113,560``."""
    return f"KRW {amount:,}" if language == "en" else f"{amount:,}원"


# --- item symbols ----------------------------------------------------------------------------------------

_HANGUL_INITIALS = (
    0,
    2,
    3,
    5,
    6,
    7,
    9,
    11,
    12,
    14,
    15,
    16,
    17,
    18,
)  # ㄱ ㄴ ㄷ ㄹ ㅁ ㅂ ㅅ ㅇ ㅈ ㅊ ㅋ ㅌ ㅍ ㅎ
_HANGUL_VOWELS = (0, 4, 8, 13, 18, 20)  # ㅏ then, after 하, ㅓ ㅗ ㅜ ㅡ ㅣ (편람: 거 너 더 …)
MAX_LEVEL = 8


def hangul_sequence(index: int) -> str:
    """The *index*-th (1-based) Hangul item letter: 가 나 … 하, then 거 너 … 허, then 고 노 …."""
    if index < 1 or index > len(_HANGUL_INITIALS) * len(_HANGUL_VOWELS):
        raise ValueError(f"no Hangul item letter for index {index}")
    vowel, initial = divmod(index - 1, len(_HANGUL_INITIALS))
    return chr(0xAC00 + (_HANGUL_INITIALS[initial] * 21 + _HANGUL_VOWELS[vowel]) * 28)


def circled_number(index: int) -> str:
    """①…⑳ (U+2460), ㉑…㉟ (U+3251), ㊱…㊿ (U+32B1)."""
    if 1 <= index <= 20:
        return chr(0x2460 + index - 1)
    if 21 <= index <= 35:
        return chr(0x3251 + index - 21)
    if 36 <= index <= 50:
        return chr(0x32B1 + index - 36)
    raise ValueError(f"no circled number for {index}")


def circled_hangul(index: int) -> str:
    """㉮…㉻ (U+326E, not ⓛ U+24DB): only the fourteen letters 가…하 exist."""
    if not 1 <= index <= 14:
        raise ValueError(f"no circled Hangul letter for {index}")
    return chr(0x326E + index - 1)


def item_marker(level: int, index: int) -> str:
    """The legal symbol for item *index* (1-based) at *level* 1–8: ``1.`` ``가.`` ``1)`` ``가)`` ``(1)`` ``(가)`` ``①`` ``㉮``."""
    markers = {
        1: lambda: f"{index}.",
        2: lambda: f"{hangul_sequence(index)}.",
        3: lambda: f"{index})",
        4: lambda: f"{hangul_sequence(index)})",
        5: lambda: f"({index})",
        6: lambda: f"({hangul_sequence(index)})",
        7: lambda: circled_number(index),
        8: lambda: circled_hangul(index),
    }
    if level not in markers:
        raise ValueError(f"item level must be 1–{MAX_LEVEL}, not {level}")
    return markers[level]()


REPORT_MARKERS = ("□", "○", "-", "·")


class Item(BaseModel):
    """One numbered item and the items under it."""

    text: str
    children: list[Item] = Field(default_factory=list)


def render_items(
    items: Sequence[Item], *, level: int = 1, scheme: Literal["legal", "report"] = "legal"
) -> list[str]:
    """Lines for *items*: each level 2타 right of its parent, one space after the symbol.

    A level holding a single item takes no symbol (편람), so a lone ``가.`` never appears. The report scheme uses
    ``□ ○ - ·`` (관행), where a lone item keeps its symbol because the symbols there mark kind, not order.
    """
    indent = TWO_SPACES * (level - 1)
    lines: list[str] = []
    alone = len(items) == 1 and scheme == "legal"
    for index, item in enumerate(items, start=1):
        if alone:
            marker = ""
        elif scheme == "report":
            marker = REPORT_MARKERS[min(level, len(REPORT_MARKERS)) - 1]
        else:
            marker = item_marker(level, index)
        lines.append(f"{indent}{marker} {item.text}" if marker else f"{indent}{item.text}")
        if item.children:
            lines.extend(render_items(item.children, level=level + 1, scheme=scheme))
    return lines


# --- 붙임 and 끝. ------------------------------------------------------------------------------------------


class Attachment(BaseModel):
    """One attachment as the 붙임 line names it: ``계획서 1부.``."""

    name: str = Field(min_length=1, max_length=200, title="붙임 이름")
    copies: int = Field(default=1, ge=1, le=99, title="부수")


def _attachment_text(attachment: Attachment, language: Language) -> str:
    if language == "en":
        return (
            attachment.name if attachment.copies == 1 else f"{attachment.name} ({attachment.copies} copies)"
        )
    return f"{attachment.name} {attachment.copies}부."


def render_attachments(
    attachments: Sequence[Attachment], *, end_mark: bool = True, language: Language = "ko"
) -> list[str]:
    """``붙임  계획서 1부.  끝.``; several are numbered and aligned, ``끝.`` after the last one only.

    No colon after 붙임 and no number on a single attachment (편람). English mode writes ``Attachments:``
    with no 끝.
    """
    if not attachments:
        return []
    if language == "en":
        head = "Attachment" if len(attachments) == 1 else "Attachments"
        return [f"{head}: " + "; ".join(_attachment_text(a, "en") for a in attachments)]
    head = f"붙임{TWO_SPACES}"
    if len(attachments) == 1:
        lines = [head + _attachment_text(attachments[0], "ko")]
    else:
        pad = " " * 6  # 붙임 is two full-width characters: 4 columns plus the 2타 after it
        lines = [
            (head if n == 1 else pad) + f"{n}. " + _attachment_text(a, "ko")
            for n, a in enumerate(attachments, start=1)
        ]
    if end_mark:
        lines[-1] = with_end_mark(lines[-1])
    return lines


def with_end_mark(line: str) -> str:
    """Append ``끝.`` two spaces after the last text (편람)."""
    return f"{line.rstrip()}{TWO_SPACES}{END_MARK}"


def strip_end_mark(text: str) -> str:
    """Remove a ``끝.`` a model wrote itself; code places the one true mark."""
    stripped = text.rstrip()
    if stripped.endswith(END_MARK):
        return stripped[: -len(END_MARK)].rstrip()
    return stripped


# --- contact blocks --------------------------------------------------------------------------------------


class Contact(BaseModel):
    """A person in a contact block: 직위 + 성명 + 전화."""

    title: str
    name: str
    phone: str


def contact_label(person: Contact, *, language: Language = "ko") -> str:
    """``과장 오민석 (044-000-2510)``; English ``Oh Min-seok, Director (044-000-2510)``."""
    if language == "en":
        return f"{person.name}, {person.title} ({person.phone})"
    return f"{person.title} {person.name} ({person.phone})"


def press_contact_rows(department: str, responsible: Contact, staff: Sequence[Contact]) -> list[list[str]]:
    """The 보도자료 contact table: ``담당 부서 | 도서관정책과 | 책임자 | 과장 오민석 (044-000-2510)``, then one
    ``담당자`` row per staff member (the first two cells left empty as the merged 담당 부서 cell)."""
    rows = [["담당 부서", department, "책임자", contact_label(responsible)]]
    rows.extend(["", "", "담당자", contact_label(person)] for person in staff)
    return rows


# --- particles -------------------------------------------------------------------------------------------


def has_final_consonant(word: str) -> bool | None:
    """Whether the last syllable of *word* has a 받침; None when it is not a Hangul syllable."""
    last = word.rstrip()[-1:] if word.strip() else ""
    if not last or not 0xAC00 <= ord(last) <= 0xD7A3:
        return None
    return (ord(last) - 0xAC00) % 28 != 0


def josa(word: str, with_final: str, without_final: str) -> str:
    """*word* plus the right particle: ``josa("한빛시장", "은", "는")`` → ``한빛시장은``; unknown → ``은(는)``."""
    final = has_final_consonant(word)
    if final is None:
        return f"{word}{with_final}({without_final})"
    return word + (with_final if final else without_final)
