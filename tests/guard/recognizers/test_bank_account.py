import pytest

from tests.guard.ids import found


@pytest.mark.parametrize(
    "text, value",
    [
        ("신한은행 110-123-456789 예금주 홍길동", "110-123-456789"),
        ("국민은행 123456-01-234567로 입금", "123456-01-234567"),
        ("환불 계좌: 우리 1002-123-456789", "1002-123-456789"),
        ("카카오뱅크 3333-01-1234567", "3333-01-1234567"),
        ("IBK기업은행 318-081775-01-014", "318-081775-01-014"),
        ("계좌번호 110123456789", "110123456789"),
    ],
)
def test_grouping_with_context(text: str, value: str) -> None:
    assert found(text, "BANK_ACCOUNT") == [value]


@pytest.mark.parametrize(
    "text",
    [
        "번호 110-123-456789",
        "ISBN 979-11-1234-567-8",
        "예산 과목 301-01",
        "계좌 12-345 참조",
        "은행 1234-5678",
    ],
)
def test_hard_negatives(text: str) -> None:
    assert found(text, "BANK_ACCOUNT") == []
