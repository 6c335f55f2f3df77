"""Possible inventions: numbers, dates, times, phone numbers and names in prose that the facts and sources do
not contain.

The check is deliberately literal. A figure is supported when the same value (``1,284`` = ``1284``,
``6억 2천만`` = ``620000000``) appears in the facts or sources; a date when its month and day do; a name when it
appears verbatim. A name one syllable away from a known name is reported as a likely misspelling, with the
known name as the suggestion. Anything reported is for the clerk to confirm, not an automatic verdict.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel

from mokmin.drafting import conventions as cv
from mokmin.drafting.findings import Finding

__all__ = ["Known", "find_inventions", "known_from"]


@dataclass
class Known:
    """Everything the document may state: values by kind, and all known text for verbatim checks."""

    text: str = ""
    numbers: set[Decimal] = field(default_factory=set)
    dates: set[tuple[int, int]] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    months: set[int] = field(default_factory=set)
    days: set[int] = field(default_factory=set)
    times: set[tuple[int, int]] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)

    def add_date(self, year: int | None, month: int, day: int) -> None:
        """A date and its parts (a year, month or day said alone is then supported too)."""
        self.dates.add((month, day))
        self.months.add(month)
        self.days.add(day)
        if year is not None:
            self.years.add(year)


def known_from(facts: BaseModel | Mapping[str, Any] | None, texts: Iterable[str] = ()) -> Known:
    """Collect what the facts (a model or plain mapping) and any texts (notes, sources, code parts) state."""
    known = Known()
    corpus: list[str] = []
    if facts is not None:
        data = facts.model_dump() if isinstance(facts, BaseModel) else dict(facts)
        _walk(data, "", known, corpus)
    corpus.extend(texts)
    known.text = "\n".join(corpus)
    for mention in _scan(known.text):
        mention.record(known)
    return known


def _walk(value: Any, key: str, known: Known, corpus: list[str]) -> None:
    if isinstance(value, Mapping):
        for sub_key, sub in value.items():
            _walk(sub, str(sub_key), known, corpus)
    elif isinstance(value, list | tuple):
        for sub in value:
            _walk(sub, key, known, corpus)
    elif isinstance(value, dt.datetime):
        known.add_date(value.year, value.month, value.day)
        known.times.add((value.hour, value.minute))
    elif isinstance(value, dt.date):
        known.add_date(value.year, value.month, value.day)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int | float):
        known.numbers.add(Decimal(str(value)))
        if isinstance(value, float) and value.is_integer():
            known.numbers.add(Decimal(int(value)))
    elif isinstance(value, str):
        corpus.append(value)
        if key == "name" or key.endswith("_name"):
            known.names.add(value)


# --- mentions in text -------------------------------------------------------------------------------------------

_MONTHS_EN = {name: index for index, name in enumerate(cv.MONTHS_EN, start=1)}
_MONTH_RE = "(" + "|".join(cv.MONTHS_EN) + ")"
_UNITS = {"조": 10**12, "억": 10**8, "천만": 10**7, "백만": 10**6, "만": 10**4, "천": 10**3}
_UNITS_EN = {"billion": 10**9, "million": 10**6, "thousand": 10**3}
_NUM = r"\d[\d,]*(?:\.\d+)?"


@dataclass
class Mention:
    """One value found in text."""

    kind: str  # phone | date | year | month | day | time | number
    text: str
    value: Any

    def record(self, known: Known) -> None:
        """Add this mention to what is known (used on facts and sources)."""
        if self.kind == "phone":
            known.phones.add(self.value)
        elif self.kind == "date":
            known.add_date(*self.value)
        elif self.kind == "year":
            known.years.add(self.value)
        elif self.kind == "month":
            known.months.add(self.value)
        elif self.kind == "day":
            known.days.add(self.value)
        elif self.kind == "time":
            known.times.add(self.value)
        else:
            known.numbers.update(self.value)

    def supported(self, known: Known) -> bool:
        """Whether the facts or sources contain this value."""
        checks = {
            "phone": lambda: self.value in known.phones,
            "date": lambda: (
                (self.value[1], self.value[2]) in known.dates
                and (self.value[0] is None or self.value[0] in known.years)
            ),
            "year": lambda: self.value in known.years or Decimal(self.value) in known.numbers,
            "month": lambda: self.value in known.months,
            "day": lambda: self.value in known.days or self.value in known.months,
            "time": lambda: self.value in known.times,
        }
        if self.kind in checks:
            return checks[self.kind]()
        return any(value in known.numbers for value in self.value)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def _compound(text: str, units: Mapping[str, int]) -> set[Decimal]:
    """``6억 2천만`` → {620000000}; ``12 million`` → {12000000}; also the bare numbers said."""
    total = Decimal(0)
    values: set[Decimal] = set()
    pattern = "|".join(sorted(units, key=len, reverse=True))
    for number, unit in re.findall(rf"({_NUM})\s?({pattern})?", text):
        amount = _decimal(number)
        if amount is None:
            continue
        values.add(amount)
        total += amount * units[unit] if unit else amount
    values.add(total)
    return values


_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("phone", re.compile(r"(?<![\d-])(?:0\d{1,2}-\d{3,4}-\d{4}|1[5-9]\d{2}-\d{4})(?![\d-])")),
    ("date_ymd", re.compile(r"(\d{4})(?:\.\s?|년\s?|-)(\d{1,2})(?:\.\s?|월\s?|-)(\d{1,2})(?:\.|일)?")),
    ("date_md", re.compile(r"(\d{1,2})월\s?(\d{1,2})일|(?<![\d.])(\d{1,2})\.\s(\d{1,2})\.(?!\s?\d)")),
    (
        "date_en",
        re.compile(
            rf"(\d{{1,2}}) {_MONTH_RE}(?: (\d{{4}}))?|{_MONTH_RE} (\d{{1,2}})(?:st|nd|rd|th)?(?:, (\d{{4}}))?"
        ),
    ),
    (
        "time",
        re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])(?:\s?(am|pm))?|(?<![\d:])(\d{1,2})\s?(am|pm)\b"),
    ),
    ("time_ko", re.compile(r"(오전|오후|밤|새벽)?\s?(\d{1,2})시(?!간)(?:\s?(\d{1,2})분)?")),
    ("year", re.compile(r"(\d{4})년")),
    ("month", re.compile(r"(\d{1,2})월")),
    ("day", re.compile(r"(\d{1,2})일")),
    ("compound", re.compile(rf"(?:{_NUM}\s?(?:조|억|천만|백만|만|천)\s?)+(?:{_NUM})?")),
    ("compound_en", re.compile(rf"{_NUM}\s?(?:billion|million|thousand)\b")),
    ("number", re.compile(_NUM)),
)


def _hour(prefix: str | None, hour: int, suffix: str | None) -> int:
    if suffix == "pm" or prefix in ("오후", "밤"):
        return hour + 12 if hour < 12 else hour
    if suffix == "am" and hour == 12:
        return 0
    return hour


def _mention(kind: str, m: re.Match[str]) -> Mention:
    g = m.groups()
    if kind == "phone":
        return Mention("phone", m.group(0), m.group(0))
    if kind == "date_ymd":
        return Mention("date", m.group(0), (int(g[0]), int(g[1]), int(g[2])))
    if kind == "date_md":
        month, day = (g[0], g[1]) if g[0] else (g[2], g[3])
        return Mention("date", m.group(0), (None, int(month), int(day)))
    if kind == "date_en":
        if g[0]:
            return Mention("date", m.group(0), (int(g[2]) if g[2] else None, _MONTHS_EN[g[1]], int(g[0])))
        return Mention("date", m.group(0), (int(g[5]) if g[5] else None, _MONTHS_EN[g[3]], int(g[4])))
    if kind == "time":
        if g[0]:
            return Mention("time", m.group(0), (_hour(None, int(g[0]), g[2]), int(g[1])))
        return Mention("time", m.group(0), (_hour(None, int(g[3]), g[4]), 0))
    if kind == "time_ko":
        return Mention("time", m.group(0).strip(), (_hour(g[0], int(g[1]), None), int(g[2] or 0)))
    if kind in ("year", "month", "day"):
        return Mention(kind, m.group(0), int(g[0]))
    if kind == "compound":
        return Mention("number", m.group(0).strip(), _compound(m.group(0), _UNITS))
    if kind == "compound_en":
        return Mention("number", m.group(0), _compound(m.group(0), _UNITS_EN))
    value = _decimal(m.group(0))
    return Mention("number", m.group(0), {value} if value is not None else set())


def _scan(text: str) -> list[Mention]:
    """Every value in *text*; each character belongs to at most one mention (phones first, bare numbers last)."""
    mask = list(text)
    found: list[tuple[int, Mention]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer("".join(mask)):
            if not m.group(0).strip() or (kind == "number" and not any(ch.isdigit() for ch in m.group(0))):
                continue
            found.append((m.start(), _mention(kind, m)))
            mask[m.start() : m.end()] = [" "] * (m.end() - m.start())
    return [mention for _, mention in sorted(found, key=lambda pair: pair[0])]


# --- names --------------------------------------------------------------------------------------------------------

_JOSA = sorted(
    [
        "께서는",
        "에게서",
        "이라고",
        "입니다",
        "께서",
        "에게",
        "에서",
        "으로",
        "부터",
        "까지",
        "이며",
        "이고",
        "라고",
        "은",
        "는",
        "이",
        "가",
        "을",
        "를",
        "의",
        "와",
        "과",
        "도",
        "로",
        "님",
        "께",
        "에",
        "만",
    ],
    key=len,
    reverse=True,
)
_TITLES = (
    "시장|군수|구청장|도지사|교육감|의장|부의장|위원장|위원|의원|과장|국장|실장|팀장|주무관|주사|사무관|서기관|장관|차관|"
    "교수|대표|이사장|관장|원장|회장|교육장|동장|청장|센터장|소장"
)
_SURNAMES = set(
    "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부가복태목형피두감음빈동온호범좌팽승간상갈견당화창"
)
_NAME_AROUND_TITLE = re.compile(
    rf"([가-힣]{{2,4}})\s+[가-힣]{{0,8}}?(?:{_TITLES})(?=[은는이가을를의께과와도님,.\s]|$)|(?:{_TITLES})\s+([가-힣]{{2,6}})"
)


def _stems(word: str) -> list[str]:
    stems = [word]
    for josa in _JOSA:
        if word.endswith(josa) and len(word) > len(josa) + 1:
            stems.append(word[: -len(josa)])
    return stems


def _one_syllable_off(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _name_findings_ko(line: str, n: int, known: Known) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[str] = set()
    for word in re.findall(r"[가-힣]+", line):
        for stem in _stems(word):
            if stem in known.text or len(stem) < 3:
                continue
            close = [name for name in known.names if len(name) >= 3 and _one_syllable_off(stem, name)]
            if close and stem not in seen:
                seen.add(stem)
                findings.append(
                    _finding("misspelt-name", n, stem, "사실에 있는 이름과 한 글자 다릅니다.", close[0])
                )
    for m in _NAME_AROUND_TITLE.finditer(line):
        word = m.group(1) or m.group(2)
        stems = _stems(word)
        if any(stem in known.text or stem in seen for stem in stems):
            continue
        name = next((s for s in stems if len(s) == 3 and s[0] in _SURNAMES), None)
        if name is not None:
            seen.add(name)
            findings.append(_finding("unknown-name", n, name, "사실·자료에 없는 이름입니다."))
    for token in _proper_nouns(line):
        if token not in known.text and token not in seen and not any(token in s for s in seen):
            seen.add(token)
            findings.append(
                _finding("unknown-name", n, token, "사실·자료에 없는 고유명사(이름·기관·장소)입니다.")
            )
    return findings


def _kiwi() -> Any:
    """The process-wide Korean analyser, loaded only when Korean prose is checked."""
    from mokmin.core.korean import analyser

    return analyser()


def _proper_nouns(line: str) -> list[str]:
    kiwi = _kiwi()
    if kiwi is None:
        return []
    return [t.form for t in kiwi.tokenize(line) if t.tag == "NNP" and len(t.form) >= 2]


_EN_COMMON = {
    *cv.MONTHS_EN,
    *cv.WEEKDAYS_EN,
    "I",
    "The",
    "Mayor",
    "Council",
    "City",
    "Korea",
    "Korean",
    "AI",
    "Thank",
    "Notes",
    "Media",
}


def _name_findings_en(line: str, n: int, known: Known) -> list[Finding]:
    findings: list[Finding] = []
    lowered = known.text.lower()
    for m in re.finditer(
        r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*|\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)+", line
    ):
        phrase = m.group(0)
        words = [w for w in re.split(r"[ -]", phrase) if w not in _EN_COMMON]
        if not words or phrase.lower() in lowered or all(w.lower() in lowered for w in words):
            continue
        close = difflib.get_close_matches(phrase, sorted(known.names), n=1, cutoff=0.8)
        if close:
            findings.append(_finding("misspelt-name", n, phrase, "Close to a name in the facts.", close[0]))
        else:
            findings.append(_finding("unknown-name", n, phrase, "Name not in the facts or sources."))
    return findings


# --- the check ----------------------------------------------------------------------------------------------------

_MESSAGES = {
    "phone": ("invented-phone", "사실·자료에 없는 전화번호입니다."),
    "date": ("invented-date", "사실·자료에 없는 날짜입니다."),
    "year": ("invented-date", "사실·자료에 없는 연도입니다."),
    "month": ("invented-date", "사실·자료에 없는 달입니다."),
    "day": ("invented-date", "사실·자료에 없는 날입니다."),
    "time": ("invented-time", "사실·자료에 없는 시각입니다."),
    "number": ("invented-number", "사실·자료에 없는 수치입니다."),
}


def _finding(rule: str, n: int, text: str, message: str, suggestion: str = "") -> Finding:
    return Finding(kind="invention", rule=rule, line=n, text=text, message=message, suggestion=suggestion)


_ITEM_MARKER = re.compile(r"^\s*(?:\d{1,2}[.)]|\(\d{1,2}\)|[가-힣][.)]|\([가-힣]\)|[①-⑳㉮-㉻□○ㅇ·-])\s+")


def find_inventions(
    prose: str, known: Known, *, language: cv.Language = "ko", line_offset: int = 0
) -> list[Finding]:
    """Every number, date, time, phone or name in *prose* that *known* does not contain."""
    findings: list[Finding] = []
    for n, raw in enumerate(prose.splitlines(), start=1 + line_offset):
        line = _ITEM_MARKER.sub("", raw)  # item symbols are code's numbering, not facts
        for mention in _scan(line):
            if not mention.supported(known):
                rule, message = _MESSAGES[mention.kind]
                findings.append(_finding(rule, n, mention.text, message))
        names = _name_findings_ko if language == "ko" else _name_findings_en
        findings.extend(names(line, n, known))
    return findings
