"""법인등록번호 (CRN): RRN-shaped, told apart by its plain weighted checksum and by context (§4).

Without context a valid CRN checksum is only a 1-in-10 coincidence for a random 13-digit number, so the score
stays moderate and an RRN with a valid RRN checksum outranks it; the words 법인등록번호/법인번호 decide.
"""

from __future__ import annotations

from mokmin.guard.recognizers.base import Context, Pattern, Recognizer
from mokmin.guard.recognizers.normalize import digits, words
from mokmin.guard.recognizers.rrn import FULL
from mokmin.guard.spans import PiiType


def crn_checksum_ok(number: str) -> bool:
    """Plain weighted sum with weights 1,2,1,2,…; products are not folded."""
    total = sum(int(d) * (1 if i % 2 == 0 else 2) for i, d in enumerate(number[:12]))
    return (10 - total % 10) % 10 == int(number[12])


class CrnRecognizer(Recognizer):
    name = "kr_crn"
    type = PiiType.CRN
    patterns = (Pattern("crn", FULL, 0.55, min_run=7),)
    context = ("법인등록번호", "법인번호", "법인 등록번호", "등기번호", "corporate registration", "법인")
    anti_context = words(
        """
        주민등록번호 주민번호 생년월일 외국인등록 송장 바코드 주문번호 접수번호
        """
    )
    context_boost = 0.42

    def validate(self, value: str, pattern: Pattern, ctx: Context) -> float | None:
        number = digits(value)
        if len(number) != 13 or not crn_checksum_ok(number):
            return None
        if number[:4] == "0000" or number[6:12] == "000000":
            return None
        return pattern.score
