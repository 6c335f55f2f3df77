"""차량번호 (VEHICLE_PLATE): ``12가 3456``, ``123가 4567`` and old regional ``서울 12가 3456`` plates (§11).

The Hangul letter must be one used on plates and the serial cannot start with 0; a unit after the digits
(``38조 4000억원``) means an amount, not a plate.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mokmin.guard.recognizers.base import NO_DIGIT_AFTER, NO_DIGIT_BEFORE, Context, Pattern, Recognizer, Scan
from mokmin.guard.recognizers.normalize import words
from mokmin.guard.spans import PiiType, Span

_LETTERS = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주아바사자배하허호"
_REGION = r"(?:서울|부산|대구|인천|광주|대전|울산|세종|경기|강원|충북|충남|전북|전남|경북|경남|제주)"
_PLATE = re.compile(
    r"(?:(?<![가-힣])"
    + _REGION
    + r" ?)?"
    + NO_DIGIT_BEFORE
    + r"(\d{2,3}) ?(["
    + _LETTERS
    + r"]) ?([1-9]\d{3})"
    + NO_DIGIT_AFTER
    + r"(?![.,]\d)"
)
# The plate's core without the optional region and the boundary checks: a cheap proof of absence.
_PLATE_GATE = re.compile(r"\d ?[" + _LETTERS + r"] ?[1-9]\d{3}")
# What may follow a plate: nothing Hangul except particles; units such as 억/만/원/명 mean an amount.
_UNIT_AFTER = re.compile(r"[억만천원명개건년월일호번회차배%㎡]|km|kg|m(?![a-z])")


class VehiclePlateRecognizer(Recognizer):
    name = "kr_vehicle_plate"
    type = PiiType.VEHICLE_PLATE
    patterns = (Pattern("plate", _PLATE, 0.75, min_run=4, gate=_PLATE_GATE),)
    context = words(
        """
        차량 차량번호 번호판 자동차 주차 승용차 화물차 택시 vehicle plate car
        """
    )
    anti_context = ("금액", "예산", "원정", "억원", "조원")
    context_boost = 0.2

    def validate(self, value: str, pattern: Pattern, ctx: Context) -> float | None:
        head = value.rstrip()
        type_code = "".join(ch for ch in head[: len(head) - 4] if ch.isdigit())
        if len(type_code) == 3 and not "100" <= type_code <= "699":
            return None
        if "호" in head:
            return 0.4  # "12호 3456" is far more often an issue/room number: only context makes it a plate
        return pattern.score

    def find(self, scan: Scan) -> Iterator[Span]:
        text = scan.text
        for span in super().find(scan):
            if _UNIT_AFTER.match(scan.lowered, span.end) or text[span.start - 1 : span.start] == "제":
                continue  # "38조 4000억원" is an amount, "제12가 3456" an article-like number
            yield span
