import pytest

from mokmin.guard.recognizers.card import luhn_ok
from tests.guard.ids import found, luhn, wrong_last

VISA = luhn("411111111111111")
DOMESTIC = luhn("941012345678901")
AMEX = luhn("37828224631000")


def test_luhn() -> None:
    assert luhn_ok(VISA) and luhn_ok(DOMESTIC)
    assert not luhn_ok(wrong_last(VISA))


def _dash(n: str) -> str:
    return "-".join(n[i : i + 4] for i in range(0, 16, 4))


@pytest.mark.parametrize(
    "form",
    [
        _dash(VISA),
        _dash(DOMESTIC),
        VISA,
        _dash(VISA).replace("-", " "),
        f"{AMEX[:4]}-{AMEX[4:10]}-{AMEX[10:]}",
    ],
)
def test_valid_cards(form: str) -> None:
    assert found(f"카드번호 {form} 로 결제", "CARD") == [form]


def test_domestic_9_prefix_is_found_without_context() -> None:
    assert found(f"번호 {_dash(DOMESTIC)}", "CARD") == [_dash(DOMESTIC)]


@pytest.mark.parametrize(
    "text",
    [f"카드 {_dash(wrong_last(VISA))}", f"주문번호 {luhn('812345678901234')}", "승인번호 12345678"],
)
def test_hard_negatives(text: str) -> None:
    assert found(text, "CARD") == []


def test_receipt_masked_card() -> None:
    assert found("카드 1234-56**-****-3456 승인", "CARD") == ["1234-56**-****-3456"]
