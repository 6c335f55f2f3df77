import pytest

from mokmin.guard.recognizers.rrn import birth_date, frn_legacy_ok, rrn_checksum_ok
from tests.guard.ids import found, rrn, types_found, wrong_last

VALID = rrn("900101123456")  # 900101-1234568
FRN_VALID = rrn("850505512346", foreign=True)


def test_checksum_helpers_agree_with_independent_builder() -> None:
    assert rrn_checksum_ok(VALID.replace("-", ""))
    assert not rrn_checksum_ok(wrong_last(VALID).replace("-", ""))
    assert frn_legacy_ok(FRN_VALID.replace("-", ""))


@pytest.mark.parametrize(
    "text",
    [
        f"주민등록번호: {VALID}입니다",
        f"번호는 {VALID.replace('-', '')}",
        f"번호는 {VALID.replace('-', ' ')}",
        f"번호는 {VALID.replace('-', ' - ')}",
        f"번호는 {VALID.replace('-', '－')}",  # full-width hyphen
    ],
)
def test_valid_rrn_variants(text: str) -> None:
    assert [t for t, _ in types_found(text)] == ["RRN"]


def test_full_width_digits_keep_original_offsets() -> None:
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in VALID)
    text = f"주민번호 {wide} 확인"
    assert found(text, "RRN") == [wide]


def test_failed_checksum_needs_context() -> None:
    bad = wrong_last(VALID)
    assert found(f"번호 {bad} 입니다", "RRN") == []
    assert found(f"주민등록번호 {bad}", "RRN") == [bad]


def test_post_2020_birth_dates_accept_random_tails() -> None:
    newborn = wrong_last(rrn("210315412345"))
    assert found(f"아이 {newborn} 등록", "RRN") == [newborn]


@pytest.mark.parametrize(
    "text",
    [
        "바코드 8801234567890 제품",  # EAN: 2088 with G=4 would be future; here context is anti
        "EAN 8807234567891",  # G=7 -> 2088-07-23, a future date
        "접수 20240315-1234567 건",  # date glued to serial
        "번호 991332-1234567",  # month 13
        "긴 숫자 12345678901234567890",
    ],
)
def test_hard_negatives(text: str) -> None:
    assert found(text, "RRN") == [] and found(text, "FRN") == []


@pytest.mark.parametrize("masked", ["900101-1******", "900101-1xxxxxx", "900101-1●●●●●●", "900101-*******"])
def test_masked_forms_are_still_reported(masked: str) -> None:
    assert found(f"주민번호 {masked} 확인", "RRN") == [masked]


def test_split_front_and_back() -> None:
    text = "앞자리 900101, 뒷자리 1234568"
    assert found(text, "RRN") == ["900101", "1234568"]


def test_frn_legacy_and_context() -> None:
    assert types_found(f"외국인등록번호 {FRN_VALID}") == [("FRN", FRN_VALID)]
    assert types_found(f"번호 {FRN_VALID}") == [("FRN", FRN_VALID)]
    bad = wrong_last(FRN_VALID)
    assert found(f"번호 {bad}") == []
    assert types_found(f"외국인등록번호 {bad}") == [("FRN", bad)]


def test_birth_date_rules() -> None:
    assert birth_date("900101", "1") is not None
    assert birth_date("000229", "3") is not None  # 2000 was a leap year
    assert birth_date("010229", "3") is None
    assert birth_date("880123", "4") is None  # 2088: future
