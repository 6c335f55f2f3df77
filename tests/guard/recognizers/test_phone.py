import pytest

from tests.guard.ids import found


@pytest.mark.parametrize(
    "number",
    [
        "010-1234-5678",
        "01012345678",
        "010 1234 5678",
        "010.1234.5678",
        "+82 10-1234-5678",
        "+82-10-1234-5678",
        "82-10-1234-5678",
        "02-123-4567",
        "02-2345-6789",
        "(02) 2345-6789",
        "031-234-5678",
        "(031) 2345-6789",
        "070-1234-5678",
        "0504-1234-5678",
        "080-234-5678",
        "1588-1234",
        "011-234-5678",
        "０１０－１２３４－５６７８",
    ],
)
def test_valid_variants(number: str) -> None:
    assert found(f"연락처 {number}로 연락 바랍니다", "PHONE") == [number]


def test_particle_and_bracket_are_outside_the_span() -> None:
    assert found("(02-2345-6789)로 전화", "PHONE") == ["02-2345-6789"]
    assert found("010-1234-5678입니다", "PHONE") == ["010-1234-5678"]


@pytest.mark.parametrize(
    "text",
    [
        "2024.03.15. 14시 회의",
        "좌표 37.5665, 126.9780",
        "제2025-1588호 공고",
        "1,588명이 참석",
        "사업자 123-45-67890",
        "내선 1234, 긴급 112, 119, 120",
        "접수번호 010-1234-5678",
        "버전 1.2.3.4",
        "관리번호 0212345678",
    ],
)
def test_hard_negatives(text: str) -> None:
    assert found(text, "PHONE") == []
