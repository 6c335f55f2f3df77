import pytest

from mokmin.guard.spans import PiiType, Span, resolve_overlaps


def _s(kind: PiiType, start: int, end: int, score: float) -> Span:
    return Span(kind, start, end, score, "t")


def test_higher_score_wins() -> None:
    a = _s(PiiType.PHONE, 0, 10, 0.9)
    b = _s(PiiType.BANK_ACCOUNT, 5, 15, 0.6)
    assert resolve_overlaps([b, a]) == [a]


def test_container_wins_over_contained() -> None:
    plate = _s(PiiType.VEHICLE_PLATE, 10, 18, 0.95)
    address = _s(PiiType.ADDRESS, 0, 30, 0.85)
    assert resolve_overlaps([plate, address]) == [address]


def test_ties_are_deterministic() -> None:
    a = _s(PiiType.RRN, 0, 14, 0.9)
    b = _s(PiiType.CRN, 0, 14, 0.9)
    assert resolve_overlaps([a, b]) == resolve_overlaps([b, a]) == [b]


def test_disjoint_spans_kept_sorted() -> None:
    spans = [_s(PiiType.EMAIL, 20, 30, 0.9), _s(PiiType.PHONE, 0, 5, 0.8)]
    assert [s.start for s in resolve_overlaps(spans)] == [0, 20]


def test_bad_offsets_rejected() -> None:
    with pytest.raises(ValueError):
        Span(PiiType.IP, 5, 5, 0.5, "t")


def test_wire_shape() -> None:
    assert _s(PiiType.IP, 1, 3, 0.12345).as_dict() == {"start": 1, "end": 3, "type": "IP", "score": 0.123}
