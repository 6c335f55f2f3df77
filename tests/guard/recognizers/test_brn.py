import pytest

from mokmin.guard.recognizers.brn import brn_valid
from tests.guard.ids import brn, found, wrong_last

VALID = brn("220810123")


def test_component_rules() -> None:
    assert brn_valid(VALID.replace("-", ""))
    assert not brn_valid(wrong_last(VALID).replace("-", ""))
    assert not brn_valid(brn("100810123").replace("-", ""))  # tax office < 101
    assert not brn_valid(brn("220000123").replace("-", ""))  # type code 00


@pytest.mark.parametrize("form", [VALID, VALID.replace("-", " ")])
def test_grouped_forms_need_no_context(form: str) -> None:
    assert found(f"상호 ○○상사({form})", "BRN") == [form]


def test_contiguous_needs_context() -> None:
    plain = VALID.replace("-", "")
    assert found(f"값 {plain} 기록", "BRN") == []
    assert found(f"사업자등록번호 {plain}", "BRN") == [plain]


@pytest.mark.parametrize("text", [f"번호 {wrong_last(VALID)}", "관리번호 2024031501", "전화 0212345678"])
def test_hard_negatives(text: str) -> None:
    assert found(text, "BRN") == []
