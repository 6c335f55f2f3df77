"""여권번호 (PASSPORT): old ``M12345678`` and new ``M123A4567`` forms; no checksum, so context matters (§5)."""

from __future__ import annotations

import re

from mokmin.guard.recognizers.base import NO_ALNUM_AFTER, NO_ALNUM_BEFORE, Context, Pattern, Recognizer
from mokmin.guard.recognizers.normalize import words
from mokmin.guard.spans import PiiType


class PassportRecognizer(Recognizer):
    name = "kr_passport"
    type = PiiType.PASSPORT
    patterns = (
        # The next-generation form is distinctive on its own; the old one is any letter + 8 digits.
        Pattern(
            "new",
            re.compile(NO_ALNUM_BEFORE + r"[MSRDGOmsrdgo]\d{3}[A-Za-z]\d{4}" + NO_ALNUM_AFTER),
            0.6,
            min_run=4,
        ),
        Pattern("old", re.compile(NO_ALNUM_BEFORE + r"[MSRDGOmsrdgo]\d{8}" + NO_ALNUM_AFTER), 0.3, min_run=8),
    )
    context = ("여권", "passport", "여권번호", "passport no")
    anti_context = words(
        """
        주문번호 모델 model 부품 품번 part 접수번호 송장 관리번호 제품
        """
    )
    context_boost = 0.4
    context_before = 50

    def validate(self, value: str, pattern: Pattern, ctx: Context) -> float | None:
        return pattern.score
