import pytest

from tests.guard.ids import found


def test_with_context() -> None:
    assert found("건강보험증 번호: 51234567890", "HEALTH_INSURANCE") == ["51234567890"]
    assert found("증번호 12345678901 제출", "HEALTH_INSURANCE") == ["12345678901"]


@pytest.mark.parametrize("text", ["번호 51234567890", "건강보험증 번호 01012345678", "접수번호 51234567890"])
def test_hard_negatives(text: str) -> None:
    assert found(text, "HEALTH_INSURANCE") == []
