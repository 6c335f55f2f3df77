from mokmin.guard.recognizers.crn import crn_checksum_ok
from tests.guard.ids import crn, rrn, types_found, wrong_last

VALID = crn("110111012345")


def test_checksum_is_plain_weighted_sum() -> None:
    assert crn_checksum_ok(VALID.replace("-", ""))
    assert not crn_checksum_ok(wrong_last(VALID).replace("-", ""))


def test_context_makes_an_rrn_shaped_number_a_crn() -> None:
    assert types_found(f"법인등록번호 {VALID}") == [("CRN", VALID)]
    assert types_found(f"법인번호: {VALID.replace('-', '')}") == [("CRN", VALID.replace("-", ""))]


def test_invalid_checksum_is_not_a_crn() -> None:
    bad = wrong_last(VALID)
    assert ("CRN", bad) not in types_found(f"법인등록번호 {bad}")


def test_an_rrn_with_valid_checksum_stays_an_rrn_without_crn_context() -> None:
    number = rrn("900101123456")
    assert types_found(f"주민등록번호 {number}") == [("RRN", number)]
