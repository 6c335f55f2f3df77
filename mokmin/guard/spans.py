"""Typed spans: the one currency between recognizers, the resolver and the operators.

A span is an offset pair into the *original* text (Python string indices), never into a normalised copy,
so masking and restoring can splice the original exactly.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from enum import StrEnum
from typing import NamedTuple


class PiiType(StrEnum):
    """The personal-data types, spelled the same in the API, CLI, audit and reports."""

    RRN = "RRN"
    FRN = "FRN"
    BRN = "BRN"
    CRN = "CRN"
    PASSPORT = "PASSPORT"
    DRIVER_LICENSE = "DRIVER_LICENSE"
    HEALTH_INSURANCE = "HEALTH_INSURANCE"
    PHONE = "PHONE"
    BANK_ACCOUNT = "BANK_ACCOUNT"
    CARD = "CARD"
    VEHICLE_PLATE = "VEHICLE_PLATE"
    EMAIL = "EMAIL"
    IP = "IP"
    ADDRESS = "ADDRESS"
    PERSON = "PERSON"


ALL_TYPES: frozenset[PiiType] = frozenset(PiiType)

# Lower number = decided first when scores and lengths tie (KOREAN_IDENTIFIERS.md §15: checksum-proven
# types before context-dependent ones before the rest).
TYPE_PRIORITY: dict[PiiType, int] = {
    PiiType.CRN: 0,
    PiiType.BRN: 1,
    PiiType.CARD: 2,
    PiiType.RRN: 3,
    PiiType.FRN: 4,
    PiiType.PASSPORT: 5,
    PiiType.DRIVER_LICENSE: 6,
    PiiType.HEALTH_INSURANCE: 7,
    PiiType.BANK_ACCOUNT: 8,
    PiiType.PHONE: 9,
    PiiType.EMAIL: 10,
    PiiType.IP: 11,
    PiiType.VEHICLE_PLATE: 12,
    PiiType.ADDRESS: 13,
    PiiType.PERSON: 14,
}


class _SpanFields(NamedTuple):
    type: PiiType
    start: int
    end: int
    score: float
    recognizer: str


class Span(_SpanFields):
    """One finding: ``text[start:end]`` is personal data of ``type`` with confidence ``score`` (0–1).

    An immutable tuple underneath: detection makes thousands per megabyte, and a tuple is built several
    times faster than a frozen dataclass.
    """

    __slots__ = ()

    def __new__(cls, type: PiiType, start: int, end: int, score: float, recognizer: str) -> Span:
        if not 0 <= start < end:
            raise ValueError(f"bad span offsets {start}..{end}")
        return tuple.__new__(cls, (type, start, end, score, recognizer))

    @property
    def length(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end and self.length > other.length

    def as_dict(self) -> dict[str, object]:
        """The wire shape used by ``scan --jsonl`` and the API."""
        return {"start": self.start, "end": self.end, "type": self.type.value, "score": round(self.score, 3)}


def _position(span: Span) -> tuple[int, int]:
    return span.start, span.end


def _rank(span: Span) -> tuple[float, int, int, int, str]:
    # The recognizer's name breaks the last tie (a cue finding and its alias copy), so that the result
    # does not depend on set iteration order.
    return (-round(span.score, 6), -span.length, span.start, TYPE_PRIORITY[span.type], span.recognizer)


def _clusters(spans: list[Span]) -> Iterable[list[Span]]:
    """Groups of transitively overlapping spans; resolving each group alone keeps the work near-linear."""
    group: list[Span] = []
    group_end = -1
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if group and span.start >= group_end:
            yield group
            group = []
        group.append(span)
        group_end = max(group_end, span.end) if len(group) > 1 else span.end
    if group:
        yield group


def _resolve_group(group: list[Span]) -> list[Span]:
    contained = {inner for outer in group for inner in group if outer.contains(inner)}
    chosen: list[Span] = []
    for span in sorted(group, key=_rank):
        if span in contained or any(span.overlaps(kept) for kept in chosen):
            continue
        chosen.append(span)
    return chosen


def resolve_overlaps(candidates: Iterable[Span]) -> list[Span]:
    """Choose a non-overlapping subset deterministically.

    A span that strictly contains another wins over it (an address contains a plate-like ``3가 123``, an
    account contains a phone-like group); otherwise the higher score wins, then the longer span, then the
    earlier one, then the type decided first in §15. The result is sorted by position.
    """
    unique = sorted(set(candidates), key=_position)
    if all(a.end <= b.start for a, b in itertools.pairwise(unique)):
        return unique  # nothing overlaps: the common case needs no ranking
    chosen: list[Span] = []
    for group in _clusters(unique):
        chosen.extend(_resolve_group(group) if len(group) > 1 else group)
    return sorted(chosen, key=lambda s: (s.start, s.end))
