import pytest

from tests.guard.ids import found


@pytest.mark.parametrize(
    "text, value",
    [
        ("차량 12가 3456 주차", "12가 3456"),
        ("123가4567 차량", "123가4567"),
        ("12가3456이 주차됨", "12가3456"),
        ("서울 12가 3456 차량", "서울 12가 3456"),
        ("택시 34아 5678", "34아 5678"),
        ("렌터카 56허 7890", "56허 7890"),
    ],
)
def test_valid(text: str, value: str) -> None:
    assert found(text, "VEHICLE_PLATE") == [value]


@pytest.mark.parametrize(
    "text",
    [
        "예산 38조 4000억원",
        "12호 3456",
        "을지로3가 123",
        "충무로2가 12-3",
        "12가 0123",  # serial cannot start with 0
        "12가 3456명",
        "723가 4567",  # 3-digit type codes stop at 699
    ],
)
def test_hard_negatives(text: str) -> None:
    assert found(text, "VEHICLE_PLATE") == []
