import pytest

from tests.guard.ids import found


@pytest.mark.parametrize(
    "text, value",
    [
        ("면허 11-05-123456-11", "11-05-123456-11"),
        ("번호 28-19-654321-01 확인", "28-19-654321-01"),
        ("운전면허번호 110512345611", "110512345611"),
        ("운전면허 11 05 123456 11", "11 05 123456 11"),
        ("면허증 서울 05-123456-11", "서울 05-123456-11"),
    ],
)
def test_valid(text: str, value: str) -> None:
    assert found(text, "DRIVER_LICENSE") == [value]


@pytest.mark.parametrize("text", ["번호 110512345611", "27-05-123456-11 코드", "주문 110512345611"])
def test_hard_negatives(text: str) -> None:
    assert found(text, "DRIVER_LICENSE") == []
