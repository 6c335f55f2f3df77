"""Convention rules of Korean public documents, checked on plain text (a draft or a hand-written document).

Each rule is a small function ``(lines, context) -> findings``; :data:`RULES_KO` and :data:`RULES_EN` list them,
so adding a rule is adding one function to one list. The rules follow KOREAN_DOCUMENTS.md §0–§8.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from mokmin.drafting import conventions as cv
from mokmin.drafting.findings import Finding

__all__ = ["LintContext", "detect_doc_type", "detect_language", "lint_text"]


@dataclass
class LintContext:
    """What the rules may know about the document besides its lines."""

    language: cv.Language
    doc_type: str | None = None
    required: tuple[str, ...] = ()
    year: int | None = None
    findings: list[Finding] = field(default_factory=list)

    def add(self, rule: str, line: int, text: str, message: str, suggestion: str = "") -> None:
        """Record one convention finding."""
        self.findings.append(
            Finding(
                kind="convention", rule=rule, line=line, text=text, message=message, suggestion=suggestion
            )
        )


Rule = Callable[[Sequence[str], LintContext], None]


def detect_language(text: str) -> cv.Language:
    """Korean when Hangul outnumbers Latin letters."""
    hangul = sum(1 for ch in text if "가" <= ch <= "힣")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "ko" if hangul >= latin / 3 else "en"


def detect_doc_type(text: str, language: cv.Language) -> str | None:
    """A best guess of the document type of a hand-written document, from its head."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    head = "\n".join(lines[:6])
    if language == "en":
        checks = (("Press release", "press_release"), ("Minutes", "minutes"), ("Dear ", "letter"))
        for needle, kind in checks:
            if needle in head:
                return kind
        return "speech" if lines and lines[-1] == "Thank you." else None
    if "보도자료" in head:
        return "press_release"
    if re.search(r"^수신\s", head, re.M) and re.search(r"^제목\s", "\n".join(lines[:10]), re.M):
        return "letter"
    if lines and lines[0].endswith("회의록"):
        return "minutes"
    if lines and re.search(r"보고\)?$", lines[0]):
        return "report"
    if "안녕하십니까" in text and "감사합니다." in text:
        return "speech"
    return None


# --- dates -------------------------------------------------------------------------------------------------

_DATE_SPACED = re.compile(
    r"(?<![\d.])(\d{4})\.\s*(\d{1,2})\.\s*(\d{1,2})(\.?)(\s?)(?:\(([월화수목금토일])\))?"
)
_DATE_SHORT = re.compile(r"(?:^|(?<=[~\s(]))(\d{1,2})\. (\d{1,2})\.(\s?)\(([월화수목금토일])\)")
_DATE_NEWS = re.compile(r"(?:(\d{4})년\s?)?(\d{1,2})월\s?(\d{1,2})일\s?\(([월화수목금토일])\)")
_DATE_ISO = re.compile(r"(?<![\d-])\d{4}[-/]\d{1,2}[-/]\d{1,2}(?![\d-])")
_DATE_LONG = re.compile(r"\d{4}년\s?\d{1,2}월\s?\d{1,2}일")


def _real_date(year: int, month: int, day: int) -> dt.date | None:
    if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]:
        return dt.date(year, month, day)
    return None


def _check_weekday(
    ctx: LintContext, n: int, text: str, day: dt.date | None, written: str, suggestion: str
) -> None:
    if day is None:
        ctx.add("date-exists", n, text, "없는 날짜입니다.")
    elif written and cv.weekday_ko(day) != written:
        ctx.add(
            "weekday",
            n,
            text,
            f"요일이 틀렸습니다({day.isoformat()}은 {cv.weekday_ko(day)}요일).",
            suggestion,
        )


def rule_dates_ko(lines: Sequence[str], ctx: LintContext) -> None:
    """``2026. 11. 25.(수)``: spaces after dots, final dot, no leading 0, bracket close, right weekday."""
    formal = ctx.doc_type in ("letter", "report", "minutes")
    for n, line in enumerate(lines, start=1):
        for m in _DATE_ISO.finditer(line):
            ctx.add("date-form", n, m.group(0), "날짜는 '2026. 11. 25.'처럼 씁니다.")
        for m in _DATE_SPACED.finditer(line):
            year, month, day = (int(m.group(i)) for i in (1, 2, 3))
            ctx.year = year
            real = _real_date(year, month, day)
            right = cv.format_date(real, weekday=bool(m.group(6))) if real else ""
            wrong_form = not re.fullmatch(
                r"\d{4}\. [1-9]\d?\. [1-9]\d?\.", f"{m.group(1)}. {m.group(2)}. {m.group(3)}."
            )
            compact = m.group(0)[: m.end(4) - m.start()]
            if wrong_form or not m.group(4) or not re.fullmatch(r"\d{4}\. \d{1,2}\. \d{1,2}\.", compact):
                ctx.add(
                    "date-form",
                    n,
                    m.group(0).strip(),
                    "날짜는 점 뒤 한 칸, 마지막 점, 앞자리 0 없이 씁니다.",
                    right,
                )
            if m.group(6) and m.group(5):
                ctx.add("date-form", n, m.group(0), "요일 괄호 앞은 띄우지 않습니다.", right)
            if real is None or m.group(6):
                _check_weekday(ctx, n, m.group(0), real, m.group(6) or "", right)
        full = [(m.start(), m.end()) for m in _DATE_SPACED.finditer(line)]
        for m in _DATE_SHORT.finditer(line):
            inside = any(start <= m.start() < end for start, end in full)
            if ctx.year is not None and not inside:
                real = _real_date(ctx.year, int(m.group(1)), int(m.group(2)))
                right = cv.format_date(real, year=False) if real else ""
                _check_weekday(ctx, n, m.group(0), real, m.group(4), right)
        for m in _DATE_NEWS.finditer(line):
            news_year = int(m.group(1)) if m.group(1) else ctx.year
            if news_year is not None:
                real = _real_date(news_year, int(m.group(2)), int(m.group(3)))
                right = f"{real.month}월 {real.day}일({cv.weekday_ko(real)})" if real else ""
                _check_weekday(ctx, n, m.group(0), real, m.group(4), right)
        if formal:
            for m in _DATE_LONG.finditer(line):
                ctx.add("date-form", n, m.group(0), "공문·보고서에서는 '2026. 11. 25.' 형식으로 씁니다.")


# --- times, periods, amounts --------------------------------------------------------------------------------

_TIME_WORDS = re.compile(
    r"(?:오전|오후|새벽|밤)\s?\d{1,2}시(?:\s?\d{1,2}분)?|(?<!\()\d{1,2}시\s?\d{1,2}분(?!\s?(?:개의|산회|정회|속개))"
)
_TIME_12H = re.compile(r"\d{1,2}(?::\d{2})?\s?(?:AM|PM|a\.m\.|p\.m\.)", re.I)
_TIME_24 = re.compile(r"(?<![\d:.])(\d{1,2}):(\d{2})(?![\d:])")
_TIME_24_EN = re.compile(r"(?<![\d:.])(\d{1,2}):(\d{2})(?![\d:])(?!\s?[ap]m)")


def rule_times_ko(lines: Sequence[str], ctx: LintContext) -> None:
    """``14:00``: 24시각제, two-digit hours, no 오후 2시 or 14시 30분 (the council's ``(10시00분 개의)`` is allowed)."""
    for n, line in enumerate(lines, start=1):
        for m in _TIME_WORDS.finditer(line):
            ctx.add("time-form", n, m.group(0), "시각은 24시각제로 '14:30'처럼 씁니다.")
        for m in _TIME_12H.finditer(line):
            ctx.add("time-form", n, m.group(0), "시각은 24시각제로 씁니다.")
        for m in _TIME_24.finditer(line):
            hour, minute = int(m.group(1)), int(m.group(2))
            if hour > 24 or minute > 59 or (hour == 24 and minute):
                ctx.add("time-form", n, m.group(0), "없는 시각입니다.")
            elif len(m.group(1)) == 1:
                ctx.add("time-form", n, m.group(0), "시는 두 자리로 씁니다.", f"{hour:02d}:{minute:02d}")


def rule_periods(lines: Sequence[str], ctx: LintContext) -> None:
    """``2026. 12. 18.~12. 27.``: the 물결표 is written close, and never together with 까지."""
    for n, line in enumerate(lines, start=1):
        if re.search(r"\S\s+~|~\s+\S", line):
            ctx.add("period", n, line.strip()[:40], "물결표(~)는 앞뒤를 붙여 씁니다.")
        if re.search(r"~[^\n~]{0,24}?까지", line):
            ctx.add("period", n, line.strip()[:40], "물결표(~)와 '까지'를 함께 쓰지 않습니다.")


_AMOUNT_OFFICIAL = re.compile(r"금(\d[\d,]*)원\(금([가-힣]+)원\)")
_READING_DIGITS = {ch: i for i, ch in enumerate("영일이삼사오육칠팔구")}


def parse_reading(reading: str) -> int | None:
    """``일십일만삼천오백육십`` (or ``십일만…``) → 113560; None when it is not a number reading."""
    small = {"십": 10, "백": 100, "천": 1000}
    big = {"만": 10**4, "억": 10**8, "조": 10**12, "경": 10**16}
    total = group = digit = 0
    for ch in reading:
        if ch in _READING_DIGITS:
            digit = _READING_DIGITS[ch]
        elif ch in small:
            group += (digit or 1) * small[ch]
            digit = 0
        elif ch in big:
            total += (group + digit or 1) * big[ch]
            group = digit = 0
        else:
            return None
    return total + group + digit


def rule_amounts_ko(lines: Sequence[str], ctx: LintContext) -> None:
    """``금113,560원(금일십일만삼천오백육십원)``: written together, reading equal to the figure; no ``345천원``."""
    for n, line in enumerate(lines, start=1):
        for m in re.finditer(r"금\s+\d[\d,]*\s*원", line):
            ctx.add("amount", n, m.group(0), "금액은 '금113,560원'처럼 붙여 씁니다.")
        for m in _AMOUNT_OFFICIAL.finditer(line):
            figure = int(m.group(1).replace(",", ""))
            if parse_reading(m.group(2)) != figure:
                ctx.add(
                    "amount", n, m.group(0), "한글 금액이 숫자와 다릅니다.", cv.format_amount_official(figure)
                )
            elif m.group(1) != f"{figure:,}":
                ctx.add(
                    "amount", n, m.group(0), "세 자리마다 쉼표를 씁니다.", cv.format_amount_official(figure)
                )
        for m in re.finditer(r"\d+천\s?원", line):
            ctx.add("amount", n, m.group(0), "'345천원' 대신 '345,000원' 또는 '34만 5천 원'으로 씁니다.")
        for m in re.finditer(r"(?<![\d,.])(\d{4,})(?=\s?(?:원|명|건|개|곳|권|가구|회))", line):
            ctx.add("number", n, m.group(0), "천 단위마다 쉼표를 씁니다.", f"{int(m.group(1)):,}")


# --- item symbols --------------------------------------------------------------------------------------------

_MARKERS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(r"^(\d{1,2})\.\s(?!\d{1,2}\.)")),
    (2, re.compile(r"^([가-힣])\.\s")),
    (3, re.compile(r"^(\d{1,2})\)\s")),
    (4, re.compile(r"^([가-힣])\)\s")),
    (5, re.compile(r"^\((\d{1,2})\)\s")),
    (6, re.compile(r"^\(([가-힣])\)\s")),
    (7, re.compile(r"^([①-⑳㉑-㉟㊱-㊿])")),
    (8, re.compile(r"^([㉮-㉻])")),
)


def _marker_index(level: int, symbol: str) -> int | None:
    if level in (1, 3, 5):
        return int(symbol)
    if level in (2, 4, 6):
        for index in range(1, 85):
            if cv.hangul_sequence(index) == symbol:
                return index
        return None
    for index in range(1, 51 if level == 7 else 15):
        if (cv.circled_number(index) if level == 7 else cv.circled_hangul(index)) == symbol:
            return index
    return None


def _item_level(stripped: str) -> tuple[int, int | None, str] | None:
    for level, pattern in _MARKERS:
        m = pattern.match(stripped)
        if m:
            return level, _marker_index(level, m.group(1)), m.group(0).strip()
    return None


def rule_numbering(lines: Sequence[str], ctx: LintContext) -> None:
    """``1. → 가. → 1) → 가) → (1) → (가) → ① → ㉮``: in order, no level skipped, no lone item."""
    last: dict[int, int] = {}
    counts: dict[int, tuple[int, int, str]] = {}  # level -> (count, first line, first marker)
    current = 0
    in_attachments = False

    def close(level_from: int) -> None:
        for level in [lv for lv in counts if lv >= level_from]:
            count, first_line, marker = counts.pop(level)
            if count == 1:
                ctx.add("numbering", first_line, marker, "항목이 하나뿐이면 기호를 붙이지 않습니다.")
            last.pop(level, None)

    for n, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("붙임"):
            in_attachments = True
            continue
        if in_attachments and (line.startswith("    ") or not stripped):
            continue  # aligned 붙임 continuation (Markdown puts blank lines between)
        in_attachments = False
        if "ⓛ" in stripped[:2]:
            ctx.add("numbering", n, stripped[:4], "㉮(U+326E)가 아닌 ⓛ(U+24DB)를 썼습니다.", "㉮")
        found = _item_level(stripped)
        if found is None:
            continue
        level, index, marker = found
        if level > current + 1:
            ctx.add("numbering", n, marker, f"항목 단계를 건너뛰었습니다({current}단계 다음 {level}단계).")
        close(level + 1)
        expected = last.get(level, 0) + 1
        if index != expected:
            right = cv.item_marker(level, expected) if expected <= 14 or level in (1, 3, 5, 7) else ""
            ctx.add("numbering", n, marker, "항목 번호의 순서가 맞지 않습니다.", right)
        last[level] = index or expected
        count, first_line, first_marker = counts.get(level, (0, n, marker))
        counts[level] = (count + 1, first_line, first_marker)
        current = level
    close(1)


# --- 붙임 and 끝. ------------------------------------------------------------------------------------------------

_END = re.compile(r"(^|\S)(\s*)끝\.\s*$")


def rule_end_mark(lines: Sequence[str], ctx: LintContext) -> None:
    """``끝.`` once, two spaces after the last text, after the last 붙임; ``붙임`` without a colon."""
    ends = [(n, m) for n, line in enumerate(lines, start=1) if (m := _END.search(line))]
    attachments = _attachment_lines(lines, ctx)
    for n, m in ends:
        if m.group(1) and m.group(2) != cv.TWO_SPACES:
            ctx.add("end-mark", n, lines[n - 1].strip()[-12:], "'끝.' 앞은 두 칸(2타) 띄웁니다.")
    if len(ends) > 1:
        ctx.add("end-mark", ends[1][0], "끝.", "'끝.'이 두 번 이상 있습니다.")
    if attachments and ends and ends[-1][0] != attachments[-1]:
        ctx.add("end-mark", ends[-1][0], "끝.", "붙임이 있으면 '끝.'은 마지막 붙임 뒤에 씁니다.")
    if not ends and ctx.doc_type == "letter":
        ctx.add("end-mark", len(lines), "", "본문 끝(또는 마지막 붙임 뒤)에 '  끝.'이 없습니다.")


def _attachment_lines(lines: Sequence[str], ctx: LintContext) -> list[int]:
    found: list[int] = []
    for n, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("붙임"):
            found.append(n)
            if re.match(r"붙임\s*:", stripped):
                ctx.add("attachment", n, stripped[:12], "붙임 뒤에는 쌍점을 찍지 않고 두 칸 띄웁니다.")
            elif re.match(r"붙임 \S", stripped):
                ctx.add("attachment", n, stripped[:12], "붙임 뒤는 두 칸(2타) 띄웁니다.")
            following = next((later for later in lines[n:] if later.strip()), "")
            single = not re.match(r"^\s{4,}\d+\.", following)
            if re.match(r"붙임\s+1\.", stripped) and single:
                ctx.add("attachment", n, stripped[:12], "붙임이 하나면 번호를 붙이지 않습니다.")
        elif (
            found and re.match(r"^\s{4,}\d+\.", line) and not any(x.strip() for x in lines[found[-1] : n - 1])
        ):
            found.append(n)
    return found


# --- header fields, plain language, punctuation ---------------------------------------------------------------


def rule_required(lines: Sequence[str], ctx: LintContext) -> None:
    """Fields a document of this type must show (보도 시점, 담당자, 수신, 제목 …)."""
    text = "\n".join(lines)
    for label in ctx.required:
        if label not in text:
            ctx.add(
                "header",
                1,
                label,
                f"필수 항목 '{label}'이(가) 없습니다." if ctx.language == "ko" else "missing",
            )
    if ctx.doc_type == "press_release" and ctx.language == "ko":
        contact = [n for n, line in enumerate(lines, start=1) if "담당자" in line]
        phone = re.compile(r"\d{2,4}-\d{3,4}-\d{4}")
        if contact and not any(phone.search(lines[n - 1]) for n in contact):
            ctx.add("header", contact[0], "담당자", "담당자 전화번호가 없습니다.")


_PLAIN_WORDS = {
    "금일": "오늘",
    "익일": "다음 날",
    "금번": "이번",
    "별첨": "붙임",
    "상기": "위",
    "당해": "그/해당",
    "만전을 기": "최선을 다하",
    "시달": "알림",
    "하달": "알림",
    "가이드라인": "지침",
    "킥오프": "첫",
}


def rule_plain_korean(lines: Sequence[str], ctx: LintContext) -> None:
    """국어기본법 §14: easy words, no 권위적 endings (``~할 것``, ``~바람``)."""
    for n, raw in enumerate(lines, start=1):
        line = _AMOUNT_OFFICIAL.sub("", raw)  # 금일십일만… is an amount reading, not 금일
        for word, better in _PLAIN_WORDS.items():
            if re.search(rf"(?<![가-힣]){word}", line):
                ctx.add("plain-language", n, word, "쉬운 말로 바꿔 씁니다.", better)
        if re.search(r"(할 것|바람)\.?\s*$", line.strip()):
            ctx.add("plain-language", n, line.strip()[-8:], "'~하여 주시기 바랍니다'처럼 씁니다.")


def rule_colon(lines: Sequence[str], ctx: LintContext) -> None:
    """``일시: …`` — the colon attaches to the word before."""
    for n, line in enumerate(lines, start=1):
        for m in re.finditer(r"[가-힣]\s+:\s", line):
            ctx.add("colon", n, m.group(0), "쌍점(:)은 앞말에 붙여 씁니다.")


# --- English (GOV.UK) ---------------------------------------------------------------------------------------------

_MONTH = "(" + "|".join(cv.MONTHS_EN) + ")"
_WEEKDAY = "(" + "|".join(cv.WEEKDAYS_EN) + ")"


def rule_english(lines: Sequence[str], ctx: LintContext) -> None:
    """GOV.UK dates ``Wednesday 25 November 2026``, times ``2pm``/``midday``, ranges with "to"."""
    for n, line in enumerate(lines, start=1):
        for m in re.finditer(rf"{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}", line):
            ctx.add("date-form", n, m.group(0), "Write dates as '25 November 2026'.")
        for m in re.finditer(r"\b\d{1,2}(?:st|nd|rd|th)\b", line):
            ctx.add("date-form", n, m.group(0), "No ordinals in dates.")
        for m in re.finditer(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b", line):
            ctx.add("date-form", n, m.group(0), "Write dates as '25 November 2026'.")
        for m in re.finditer(rf"{_WEEKDAY} (\d{{1,2}}) {_MONTH} (\d{{4}})", line):
            real = _real_date(int(m.group(4)), cv.MONTHS_EN.index(m.group(3)) + 1, int(m.group(2)))
            if real is None:
                ctx.add("date-exists", n, m.group(0), "This date does not exist.")
            elif cv.WEEKDAYS_EN[real.weekday()] != m.group(1):
                right = cv.format_date(real, language="en")
                ctx.add("weekday", n, m.group(0), "Wrong weekday.", right)
        for m in re.finditer(
            r"\b12\s?(?:pm|noon)\b|\b\d{1,2}:00\s?(?:am|pm)\b|\b\d{1,2}\s?(?:AM|PM|a\.m\.|p\.m\.)", line
        ):
            ctx.add("time-form", n, m.group(0), "Write times as '6pm', '10:30am', 'midday'.")
        if "EMBARGOED" not in line:
            for m in _TIME_24_EN.finditer(line):
                ctx.add(
                    "time-form", n, m.group(0), "Write times as '2pm' or '10:30am', not the 24-hour clock."
                )
        for m in re.finditer(rf"\b\d{{1,2}}\s?[-–]\s?\d{{1,2}} {_MONTH}", line):
            ctx.add("period", n, m.group(0), "Write ranges with 'to': '18 to 27 December'.")


RULES_KO: tuple[Rule, ...] = (
    rule_dates_ko,
    rule_times_ko,
    rule_periods,
    rule_amounts_ko,
    rule_numbering,
    rule_end_mark,
    rule_required,
    rule_plain_korean,
    rule_colon,
)
RULES_EN: tuple[Rule, ...] = (rule_english, rule_numbering, rule_required)


def lint_text(
    text: str,
    *,
    language: cv.Language | None = None,
    doc_type: str | None = None,
    required: tuple[str, ...] | None = None,
) -> list[Finding]:
    """Every convention the text breaks, in line order. Language and type are guessed when not given."""
    lang = language or detect_language(text)
    kind = doc_type or detect_doc_type(text, lang)
    if required is None:
        from mokmin.drafting.doctypes import DOC_TYPES  # the registry knows each type's header fields

        required = DOC_TYPES[kind].required_fields[lang] if kind in DOC_TYPES else ()
    ctx = LintContext(language=lang, doc_type=kind, required=required)
    lines = text.splitlines()
    for rule in RULES_KO if lang == "ko" else RULES_EN:
        rule(lines, ctx)
    return sorted(ctx.findings, key=lambda f: f.line)
