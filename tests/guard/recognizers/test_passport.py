import pytest

from tests.guard.ids import found


@pytest.mark.parametrize(
    "text, value", [("여권번호 M12345678", "M12345678"), ("passport no. m123a4567", "m123a4567")]
)
def test_with_context(text: str, value: str) -> None:
    assert found(text, "PASSPORT") == [value]


def test_new_format_alone_is_distinctive() -> None:
    assert found("번호 M123A4567 확인", "PASSPORT") == ["M123A4567"]


@pytest.mark.parametrize(
    "text", ["주문번호 M12345678", "코드 M12345678 참조", "모델 S123A4567", "XM12345678"]
)
def test_hard_negatives(text: str) -> None:
    assert found(text, "PASSPORT") == []
