"""Test helpers: build identifiers with valid check digits (independently of the package code)."""

from __future__ import annotations

from mokmin.guard import detect


def rrn(front12: str, foreign: bool = False) -> str:
    """Append the legacy RRN (or FRN, +2) check digit to 12 digits; returns ``YYMMDD-GHIJKLX``."""
    weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    s = sum(int(a) * b for a, b in zip(front12, weights))
    check = ((13 if foreign else 11) - s % 11) % 10
    return f"{front12[:6]}-{front12[6:]}{check}"


def wrong_last(number: str) -> str:
    """The same number with its last digit changed (so any checksum fails)."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def crn(front12: str) -> str:
    s = 0
    for i, ch in enumerate(front12):
        s += int(ch) * (1 if i % 2 == 0 else 2)
    return f"{front12[:6]}-{front12[6:]}{(10 - s % 10) % 10}"


def brn(front9: str) -> str:
    w = [1, 3, 7, 1, 3, 7, 1, 3, 5]
    s = sum(int(a) * b for a, b in zip(front9, w)) + (int(front9[8]) * 5) // 10
    d = (10 - s % 10) % 10
    return f"{front9[:3]}-{front9[3:5]}-{front9[5:]}{d}"


def luhn(front: str) -> str:
    """Append the Luhn digit to ``front`` (digits only)."""
    total = 0
    for i, ch in enumerate(reversed(front)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return front + str((10 - total % 10) % 10)


def found(text: str, kind: str | None = None) -> list[str]:
    """The detected substrings (optionally of one type)."""
    return [text[s.start : s.end] for s in detect(text) if kind is None or s.type == kind]


def types_found(text: str) -> list[tuple[str, str]]:
    return [(s.type.value, text[s.start : s.end]) for s in detect(text)]
