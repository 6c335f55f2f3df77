"""카드번호 (CARD): Luhn plus a brand prefix, including 9-prefixed Korean domestic cards (§10)."""

from __future__ import annotations

import re

from mokmin.guard.recognizers.base import NO_DIGIT_AFTER, NO_DIGIT_BEFORE, Context, Pattern, Recognizer
from mokmin.guard.recognizers.normalize import digits
from mokmin.guard.spans import PiiType

_S = r"[ -]?"
_BRANDS = re.compile(r"4|5[1-5]|2[2-7]|35|62|9|3[47]|3[068]|6(?:011|5)")


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


class CardRecognizer(Recognizer):
    name = "card"
    type = PiiType.CARD
    patterns = (
        Pattern(
            "16",
            re.compile(NO_DIGIT_BEFORE + rf"\d{{4}}{_S}\d{{4}}{_S}\d{{4}}{_S}\d{{4}}" + NO_DIGIT_AFTER),
            0.9,
            min_run=4,
            gate=re.compile(rf"\d{{4}}{_S}\d{{4}}{_S}\d{{4}}{_S}\d{{4}}"),
        ),
        Pattern(
            "amex",
            re.compile(NO_DIGIT_BEFORE + rf"3[47]\d{{2}}{_S}\d{{6}}{_S}\d{{5}}" + NO_DIGIT_AFTER),
            0.9,
            min_run=6,
        ),
        Pattern(
            "diners",
            re.compile(NO_DIGIT_BEFORE + rf"3[068]\d{{2}}{_S}\d{{6}}{_S}\d{{4}}" + NO_DIGIT_AFTER),
            0.85,
            min_run=6,
        ),
        # Receipts print 1234-56**-****-3456; no full number, but the visible digits still identify a card.
        Pattern(
            "receipt",
            re.compile(NO_DIGIT_BEFORE + r"\d{4}-\d{2}[*xX]{2}-[*xX]{4}-\d{4}" + NO_DIGIT_AFTER),
            0.75,
            min_run=4,
            gate=re.compile(r"[*xX]{2}-[*xX]{4}-"),
        ),
    )
    context = ("카드", "card", "신용", "체크", "결제", "visa", "master")
    anti_context = ("주문번호", "승인번호", "접수번호", "송장", "운송장", "바코드", "계좌", "관리번호")
    context_boost = 0.1

    def validate(self, value: str, pattern: Pattern, ctx: Context) -> float | None:
        if pattern.name == "receipt":
            return pattern.score
        number = digits(value)
        if not _BRANDS.match(number) or not luhn_ok(number):
            return None
        return pattern.score
