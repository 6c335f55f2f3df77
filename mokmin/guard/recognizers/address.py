"""주소 (ADDRESS): road-name and lot-number addresses down to building, unit and 참고항목 (§13).

A real 시·군·구 name (from :mod:`gazetteer`) or a 시·도 in front makes a match confident; a bare ``○○로 12``
or ``○○동 12-3`` needs an address word nearby (주소, 거주, 자택 …). A number followed by a unit (명, 개,
원 …) is a count, not a building number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from mokmin.guard.recognizers.base import Context, Pattern, Recognizer, Scan
from mokmin.guard.recognizers.gazetteer import CITIES, COUNTIES, DISTRICTS, SIDO, alternation
from mokmin.guard.recognizers.normalize import words
from mokmin.guard.spans import PiiType, Span

_SIDO = rf"(?P<sido>{alternation(SIDO)})"
_SGG = rf"(?:(?:{alternation(CITIES)})시|(?:{alternation(COUNTIES)})군|(?:{alternation(DISTRICTS)})구)"
_SGGS = rf"(?P<sgg>{_SGG}(?: {_SGG})?)"
_EMD = r"(?P<emd>[가-힣]{1,4}\d?(?:읍|면))"
_ROAD = r"[가-힣]{1,10}(?:\d{1,3}(?:번|가)?)?(?:대로|로|길)(?: ?\d{1,4}(?:번|가|번가)?길)?"
_BLDG = r"(?:지하 ?)?\d{1,5}(?:-\d{1,4})?"
_DONG = r"[가-힣]{1,6}\d{0,2}(?:동|리|가)(?: [가-힣]{1,5}리)?"
_LOT = r"(?:산 ?)?\d{1,5}(?:-\d{1,4})?(?:번지)?"
_APT = r"[가-힣A-Za-z0-9○*]{1,15}(?:아파트|빌라|맨션|오피스텔|빌딩|타워|하이츠|주택|APT)"
_UNITDONG = r"[A-Za-z가-힣]?[0-9○*]{1,4}동"
_FLOOR = r"(?:지하 ?)?\d{1,3}층"
_HO = r"[A-Za-z]?[0-9○*]{1,5}호"
_DETAIL = (
    rf"(?:,? ?(?:{_APT}(?: ?{_UNITDONG})?(?: ?{_FLOOR})?(?: ?{_HO})?"
    rf"|(?:[가-힣A-Za-z0-9○*]{{1,12}} )?{_UNITDONG}(?: ?{_FLOOR})?(?: ?{_HO})?|{_FLOOR}(?: ?{_HO})?|{_HO}))"
)
_REF = r"(?: ?\([가-힣0-9A-Za-z,·○* ]{1,40}\))"
_POSTCODE = r"(?:\(?[0-6]\d{4}\)? ?)"

_KOREAN = re.compile(
    r"(?<![가-힣0-9])"
    + rf"{_POSTCODE}?(?:{_SIDO} ?)?(?:{_SGGS} ?)?(?:{_EMD} ?)?"
    + rf"(?:{_ROAD} ?{_BLDG}|{_DONG} ?{_LOT})"
    + rf"(?![0-9]){_DETAIL}?{_REF}?"
)

_EN_PART = r"[A-Z][a-z]+(?:-[a-z]+)?"
_EN_ROAD = rf"{_EN_PART}-(?:daero|ro|gil)(?: \d{{1,4}}-?(?:beon-?)?gil)?"
_EN_ADMIN = rf"{_EN_PART}-(?:si|gu|gun|eup|myeon|dong|ri|do)"
_EN_CITY = r"(?:Seoul|Busan|Daegu|Incheon|Gwangju|Daejeon|Ulsan|Sejong|Jeju)"
_EN_TAIL = rf"(?:,? (?:{_EN_ADMIN}|{_EN_CITY}))*(?:,? (?:Republic of Korea|South Korea|Korea))?(?: \d{{5}})?"
_ENGLISH = re.compile(
    r"(?<![0-9A-Za-z])"
    + rf"(?:(?:(?:Apt\.?|Unit|Room|#) ?[0-9A-Za-z-]{{1,8}},? )?\d{{1,5}}(?:-\d{{1,4}})?,? {_EN_ROAD}"
    + rf"|{_EN_ROAD},? \d{{1,5}}(?:-\d{{1,4}})?)"
    + _EN_TAIL
    + r"(?![0-9A-Za-z])"
)
# Every Korean match has a building or lot number right after 로/길/지하 or 동/리/가/산 (maybe one space);
# every English one has a road name. Texts without either are not scanned with the long expressions.
_KOREAN_GATE = re.compile(r"[로길하동리가산] ?\d")
_ENGLISH_GATE = re.compile(r"-(?:daero|ro|gil)")
_COUNT_AFTER = re.compile(r"[명개건원년월일시분초세회차위%배대억만천kKmM㎡]|번(?!지)|평(?!방)")


class AddressRecognizer(Recognizer):
    name = "kr_address"
    type = PiiType.ADDRESS
    patterns = (
        Pattern("korean", _KOREAN, 0.85, min_run=1, gate=_KOREAN_GATE),
        Pattern("english", _ENGLISH, 0.8, min_run=1, gate=_ENGLISH_GATE),
    )
    context = words(
        """
        주소 거주 소재지 자택 사는_곳 살고 주거 도로명 지번 배송지 우편 address 이사 위치 집 residence
        located
        """
    )
    anti_context = ("일대", "일원", "도로 공사", "노선")
    context_boost = 0.4
    triggers = ("로", "길", "동", "리", "가", "-ro", "-gil", "-daero")

    def matches(self, scan: Scan, pattern: Pattern) -> Iterable[re.Match[str]]:
        return _by_line(scan.text) if pattern.regex is _KOREAN else scan.matches(pattern.regex)

    def score_match(self, match: re.Match[str], pattern: Pattern, ctx: Context) -> float | None:
        if pattern.name == "english":
            return pattern.score
        if match.group("sgg") or match.group("sido"):
            return pattern.score
        if match.group("emd"):
            return 0.7
        return 0.4  # a bare "○○로 12": only an address word nearby makes it one

    def find(self, scan: Scan) -> Iterator[Span]:
        text = scan.text
        for span in super().find(scan):
            if _COUNT_AFTER.match(text, span.end) and not text[span.start : span.end].endswith(
                ("호", "층", ")")
            ):
                continue
            end = span.end
            while end > span.start and text[end - 1] in " ,":
                end -= 1
            yield Span(span.type, span.start, end, span.score, span.recognizer)


def _by_line(text: str) -> Iterator[re.Match[str]]:
    """``_KOREAN.finditer(text)``, run only over the lines that hold a building or lot number.

    No part of the pattern matches a line break, so a match lies within one line; scanning a line with
    ``pos``/``endpos`` is exact (the lookbehind still sees the character before the line, and the end of the
    line reads as a non-digit, as the line break does). In a long document most lines hold no address.
    """
    done = -1
    for core in _KOREAN_GATE.finditer(text):
        if core.start() < done:
            continue
        start = text.rfind("\n", 0, core.start()) + 1
        end = text.find("\n", core.end())
        done = end = len(text) if end < 0 else end
        yield from _KOREAN.finditer(text, start, end)
