"""주민등록번호 (RRN) and 외국인등록번호 (FRN): the 6-7 shape with date, gender digit and legacy checksum.

Since 2020-10-05 the tail is random, so a failed checksum does not disprove a number: it then needs context
or a birth date on/after 2020-10 (KOREAN_IDENTIFIERS.md §1–2). Partly masked forms keep birth date and sex
and are reported too.
"""

from __future__ import annotations

import datetime as dt
import re

from mokmin.guard.recognizers.base import NO_DIGIT_AFTER, NO_DIGIT_BEFORE, Context, Pattern, Recognizer
from mokmin.guard.recognizers.normalize import digits, words
from mokmin.guard.spans import PiiType

_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_CENTURY = {"9": 1800, "0": 1800, "1": 1900, "2": 1900, "3": 2000, "4": 2000,
            "5": 1900, "6": 1900, "7": 2000, "8": 2000}  # fmt: skip
_RANDOM_SINCE = dt.date(2020, 10, 1)
_MASK = r"[*xX●○•■□#]"

FULL = re.compile(NO_DIGIT_BEFORE + r"\d{6}(?: ?- ?| )?\d{7}" + NO_DIGIT_AFTER)
MASKED = re.compile(
    NO_DIGIT_BEFORE + r"\d{6} ?- ?(?:\d" + _MASK + r"{6}|" + _MASK + r"{7})(?![0-9A-Za-z*●○•■□#])"
)
SPLIT = re.compile(
    r"앞 ?자리(?: ?[:：는은] ?| )?(\d{6})"
    + NO_DIGIT_AFTER
    + r"[^0-9\n]{1,12}?뒷 ?자리(?: ?[:：는은] ?| )?(\d{7})"
    + NO_DIGIT_AFTER
)


def birth_date(six: str, gender: str) -> dt.date | None:
    """The birth date encoded by ``YYMMDD`` + gender digit, or ``None`` if impossible or in the future."""
    century = _CENTURY.get(gender)
    if century is None:
        return None
    try:
        born = dt.date(century + int(six[:2]), int(six[2:4]), int(six[4:6]))
    except ValueError:
        return None
    return born if born <= dt.date.today() else None


def rrn_checksum_ok(number: str) -> bool:
    total = sum(int(d) * w for d, w in zip(number[:12], _WEIGHTS, strict=True))
    return (11 - total % 11) % 10 == int(number[12])


def frn_legacy_ok(number: str) -> bool:
    """Legacy FRN rules: even office code, registrant class 6–9, checksum = RRN formula + 2."""
    if int(number[7:9]) % 2 or number[11] not in "6789":
        return False
    total = sum(int(d) * w for d, w in zip(number[:12], _WEIGHTS, strict=True))
    return (13 - total % 11) % 10 == int(number[12])


_RRN_CONTEXT = words(
    """
    주민등록번호 주민번호 주민_번호 주민등록 생년월일 resident_registration rrn
    """
)
_FRN_CONTEXT = words(
    """
    외국인등록번호 외국인등록 외국인번호 외국인_등록 등록증 alien_registration residence_card arc_no
    arc_number arc:
    """
)
_ANTI = words(
    """
    등기번호 송장 운송장 바코드 주문번호 접수번호 신청번호 문서번호 관리번호 사건번호 isbn 법인등록번호
    법인번호 barcode tracking
    """
)


class _ResidentShape(Recognizer):
    """Shared scoring for the RRN and FRN; subclasses differ in gender digits and the legacy check."""

    genders: str = ""
    patterns = (
        Pattern("full", FULL, 0.0, min_run=7),
        Pattern("masked", MASKED, 0.0, min_run=6),
        Pattern("split", SPLIT, 0.0, groups=(1, 2), min_run=7),
    )
    anti_context = _ANTI

    def legacy_ok(self, number: str) -> bool:
        raise NotImplementedError

    def validate(self, value: str, pattern: Pattern, ctx: Context) -> float | None:
        number = digits(value)
        if pattern.name == "masked":
            return self._masked(value, ctx)
        if len(number) != 13 or number[6] not in self.genders:
            return None
        born = birth_date(number[:6], number[6])
        if born is None:
            return None
        if self.legacy_ok(number):
            return 0.95
        if born >= _RANDOM_SINCE:
            return 0.6
        return 0.3  # plausible but unproven: only context lifts it over the threshold

    def _masked(self, value: str, ctx: Context) -> float | None:
        head = digits(value)
        gender = head[6] if len(head) == 7 else ""
        if gender and gender not in self.genders:
            return None
        if not gender and self.type is not PiiType.RRN:
            return None  # a fully masked tail cannot say "foreigner"; report it once, as an RRN
        born = birth_date(head[:6], gender or "1") or birth_date(head[:6], gender or "3")
        if born is None:
            return None
        return 0.85 if gender else 0.6


class RrnRecognizer(_ResidentShape):
    name = "kr_rrn"
    type = PiiType.RRN
    genders = "123490"
    context = _RRN_CONTEXT

    def legacy_ok(self, number: str) -> bool:
        return rrn_checksum_ok(number)


class FrnRecognizer(_ResidentShape):
    name = "kr_frn"
    type = PiiType.FRN
    genders = "5678"
    context = (*_FRN_CONTEXT, "외국인")

    def legacy_ok(self, number: str) -> bool:
        return frn_legacy_ok(number)
