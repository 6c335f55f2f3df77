"""전화번호 (PHONE): the Korean numbering plan in its written variants (§7).

Every dialable number is reported, office lines and 15xx included (placeholders are restored, so over-masking
is cheap). Short codes (112, 119, 120) and extensions are not numbers. The span never includes a bracket
that only opens the number, but does include ``(02)`` when the brackets wrap the area code.
"""

from __future__ import annotations

import re

from mokmin.guard.recognizers.base import Context, Pattern, Recognizer
from mokmin.guard.recognizers.normalize import words
from mokmin.guard.spans import PiiType

_S = r"(?:-|\.| - | )?"
_AREA = r"(?:02|0(?:3[1-3]|4[1-4]|5[1-5]|6[1-4]))"
_MOBILE = r"01[016789]"
_OTHER = r"(?:070|050[2-8]|080)"
_BEFORE = r"(?<![0-9A-Za-z.\-])"
_AFTER = r"(?![0-9]|\.[0-9]|-[0-9])"
_INTL = r"(?:\+82 ?-? ?|82-)"

_NATIONAL = re.compile(
    _BEFORE
    + r"(?:"
    + rf"{_MOBILE}{_S}\d{{3,4}}{_S}\d{{4}}"
    + rf"|{_AREA}{_S}[1-9]\d{{2,3}}{_S}\d{{4}}"
    + rf"|\({_AREA}\) ?[1-9]\d{{2,3}}{_S}\d{{4}}"
    + rf"|{_OTHER}{_S}\d{{3,4}}{_S}\d{{4}}"
    + r")"
    + _AFTER
)
_INTERNATIONAL = re.compile(
    r"(?<![0-9A-Za-z+])"
    + _INTL
    + r"\(?0?\)?"
    + r"(?:1[016789]|2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70)"
    + rf"{_S}\d{{3,4}}{_S}\d{{4}}"
    + _AFTER
)
_REPRESENTATIVE = re.compile(
    r"(?<![0-9A-Za-z.\-,])"
    + r"1(?:5(?:22|33|44|66|77|88|99)|6(?:00|44|60|61|66|68|70|88)|8(?:00|33|55|77|99))"
    + r"(?:-| - |\.)\d{4}"
    + _AFTER
)


class PhoneRecognizer(Recognizer):
    name = "kr_phone"
    type = PiiType.PHONE
    patterns = (
        Pattern("national", _NATIONAL, 0.8, min_run=4),
        Pattern("international", _INTERNATIONAL, 0.85, min_run=4),
        Pattern("representative", _REPRESENTATIVE, 0.7, min_run=4),
    )
    context = words(
        """
        전화 연락처 휴대폰 핸드폰 휴대전화 팩스 fax tel phone mobile 문의 대표번호 콜센터 연락
        """
    )
    anti_context = words(
        """
        접수번호 문서번호 관리번호 사건번호 주문번호 송장 등기번호 신청번호 계좌 사업자 isbn 버전
        version
        """
    )
    context_boost = 0.15
    anti_penalty = 0.45

    def validate(self, value: str, pattern: Pattern, ctx: Context) -> float | None:
        if "." in value and ("-" in value or " " in value):
            return None  # mixed dots and dashes: dates and times (2024.03.15-...), not numbers
        return pattern.score
