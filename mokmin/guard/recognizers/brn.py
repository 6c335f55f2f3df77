"""사업자등록번호 (BRN): 10 digits with a mandatory checksum (§3); a failed check means "not a BRN"."""

from __future__ import annotations

import re

from mokmin.guard.recognizers.base import NO_DIGIT_AFTER, NO_DIGIT_BEFORE, Context, Pattern, Recognizer
from mokmin.guard.recognizers.normalize import digits, words
from mokmin.guard.spans import PiiType

_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def brn_checksum_ok(number: str) -> bool:
    total = sum(int(d) * w for d, w in zip(number[:9], _WEIGHTS, strict=True)) + int(number[8]) * 5 // 10
    return (10 - total % 10) % 10 == int(number[9])


def brn_valid(number: str) -> bool:
    """Checksum plus component rules: tax office ≥ 101, type code ≠ 00, serial ≠ 0000."""
    return (
        len(number) == 10
        and int(number[:3]) >= 101
        and number[3:5] != "00"
        and number[5:9] != "0000"
        and brn_checksum_ok(number)
    )


class BrnRecognizer(Recognizer):
    name = "kr_brn"
    type = PiiType.BRN
    patterns = (
        Pattern(
            "grouped",
            re.compile(NO_DIGIT_BEFORE + r"\d{3} ?- ?\d{2} ?- ?\d{5}" + NO_DIGIT_AFTER),
            0.85,
            min_run=5,
        ),
        Pattern(
            "spaced", re.compile(NO_DIGIT_BEFORE + r"\d{3} \d{2} \d{5}" + NO_DIGIT_AFTER), 0.7, min_run=5
        ),
        # Contiguous 10-digit runs are often 관리번호 or dates with a serial: needs context.
        Pattern("plain", re.compile(NO_DIGIT_BEFORE + r"\d{10}" + NO_DIGIT_AFTER), 0.45, min_run=10),
    )
    context = words(
        """
        사업자등록번호 사업자번호 사업자_등록번호 사업자 business_registration brn 등록번호
        """
    )
    anti_context = ("전화", "연락처", "관리번호", "주문번호", "접수번호", "문서번호", "송장", "계좌")

    def validate(self, value: str, pattern: Pattern, ctx: Context) -> float | None:
        return pattern.score if brn_valid(digits(value)) else None
