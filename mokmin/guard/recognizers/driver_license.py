"""운전면허번호 (DRIVER_LICENSE): ``RR-YY-SSSSSS-CD`` or a region name + 10 digits (§6).

The check digit's algorithm is not public, so only the exact 2-2-6-2 hyphenation or context makes a
12-digit number a licence.
"""

from __future__ import annotations

import re

from mokmin.guard.recognizers.base import NO_DIGIT_AFTER, NO_DIGIT_BEFORE, Context, Pattern, Recognizer
from mokmin.guard.spans import PiiType

_CODE = r"(?:1[1-9]|2[0-68])"
_REGION = r"(?:서울|부산|경기|강원|충북|충남|전북|전남|경북|경남|제주|대구|인천|광주|대전|울산|경기북부)"


class DriverLicenseRecognizer(Recognizer):
    name = "kr_driver_license"
    type = PiiType.DRIVER_LICENSE
    patterns = (
        Pattern(
            "hyphenated",
            re.compile(NO_DIGIT_BEFORE + _CODE + r"-\d{2}-\d{6}-\d{2}" + NO_DIGIT_AFTER),
            0.75,
            min_run=6,
        ),
        Pattern(
            "region_name",
            re.compile(r"(?<![가-힣])" + _REGION + r" ?\d{2}-?\d{6}-?\d{2}" + NO_DIGIT_AFTER),
            0.8,
            min_run=6,
        ),
        Pattern(
            "spaced",
            re.compile(NO_DIGIT_BEFORE + _CODE + r" \d{2} \d{6} \d{2}" + NO_DIGIT_AFTER),
            0.35,
            min_run=6,
        ),
        Pattern("plain", re.compile(NO_DIGIT_BEFORE + _CODE + r"\d{10}" + NO_DIGIT_AFTER), 0.2, min_run=12),
    )
    context = ("운전면허", "면허번호", "면허증", "driver", "licence", "license", "운전")
    anti_context = ("계좌", "은행", "주문번호", "접수번호", "송장", "관리번호", "전화", "카드")
    context_boost = 0.45
    context_before = 50

    def validate(self, value: str, pattern: Pattern, ctx: Context) -> float | None:
        return pattern.score
