"""건강보험증 번호 (HEALTH_INSURANCE): 11 digits, only with context; never a valid 01X mobile (§8)."""

from __future__ import annotations

import re

from mokmin.guard.recognizers.base import NO_DIGIT_AFTER, NO_DIGIT_BEFORE, Context, Pattern, Recognizer
from mokmin.guard.recognizers.normalize import digits, words
from mokmin.guard.spans import PiiType


class HealthInsuranceRecognizer(Recognizer):
    name = "kr_health_insurance"
    type = PiiType.HEALTH_INSURANCE
    patterns = (
        Pattern("plain", re.compile(NO_DIGIT_BEFORE + r"\d{11}" + NO_DIGIT_AFTER), 0.25, min_run=11),
        Pattern(
            "grouped",
            re.compile(NO_DIGIT_BEFORE + r"(?:\d-\d{10}|\d{5}-\d{6})" + NO_DIGIT_AFTER),
            0.25,
            min_run=6,
        ),
    )
    context = words(
        """
        건강보험증 보험증번호 보험증_번호 증번호 건강보험_번호 건강보험번호 건강보험 health_insurance
        """
    )
    anti_context = ("전화", "연락처", "휴대폰", "계좌", "접수번호", "주문번호", "송장", "관리번호")
    context_boost = 0.6
    context_before = 30

    def validate(self, value: str, pattern: Pattern, ctx: Context) -> float | None:
        number = digits(value)
        if number.startswith("01") and number[2] in "016789":
            return None
        return pattern.score
