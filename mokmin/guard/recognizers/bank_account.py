"""계좌번호 (BANK_ACCOUNT): a known bank grouping plus bank or account words nearby (§9).

There is no public checksum; groupings come from the banks' published formats. Without context the same
digit groups are ambiguous with phones and licences, so context is required.
"""

from __future__ import annotations

import re

from mokmin.guard.recognizers.base import NO_DIGIT_AFTER, NO_DIGIT_BEFORE, Context, Pattern, Recognizer
from mokmin.guard.recognizers.normalize import words
from mokmin.guard.spans import PiiType

_GROUPINGS: frozenset[tuple[int, ...]] = frozenset(
    {
        (6, 2, 6), (3, 2, 4, 3), (3, 3, 6), (3, 2, 6), (4, 3, 6), (3, 6, 5), (3, 6, 2, 3), (3, 4, 4, 2),
        (4, 2, 7), (4, 4, 4), (3, 2, 7), (3, 4, 4), (3, 2, 5), (6, 2, 5), (3, 3, 5), (4, 2, 6), (3, 6, 4),
        (3, 4, 6), (3, 3, 7),
    }
)  # fmt: skip

_GROUPED = re.compile(NO_DIGIT_BEFORE + r"\d{3,6}(?:-\d{2,7}){2,3}" + NO_DIGIT_AFTER)
_PLAIN = re.compile(NO_DIGIT_BEFORE + r"\d{10,14}" + NO_DIGIT_AFTER)


class BankAccountRecognizer(Recognizer):
    name = "kr_bank_account"
    type = PiiType.BANK_ACCOUNT
    # Every known grouping has a group of four or more digits, so a text without such a run has no account.
    patterns = (Pattern("grouped", _GROUPED, 0.4, min_run=4), Pattern("plain", _PLAIN, 0.25, min_run=10))
    context = words(
        """
        계좌 예금주 입금 환불 송금 이체 은행 농협 신한 우체국 새마을금고 신협 수협 카카오뱅크 토스뱅크
        케이뱅크 kb국민 ibk sc제일 bank account 통장
        """
    )
    anti_context = words(
        """
        전화 연락처 휴대폰 팩스 주문번호 접수번호 송장 운송장 바코드 문서번호 관리번호 isbn 면허 사업자
        카드 주민 법인 여권 보험증
        """
    )
    context_boost = 0.5
    context_before = 40

    def validate(self, value: str, pattern: Pattern, ctx: Context) -> float | None:
        if pattern.name == "plain":
            return pattern.score
        groups = tuple(len(g) for g in value.split("-"))
        return pattern.score if groups in _GROUPINGS else None
