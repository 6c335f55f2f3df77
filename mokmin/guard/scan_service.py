"""Scanning text for a person or a program: typed input checks, decoding uploads, highlighting segments.

Shared by the privacy officer's scan page and ``POST /api/guard/scan`` so both refuse bad input the same
way. Offsets are Python string indices into the text as given, like ``mokmin guard scan --jsonl``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mokmin.core.errors import TooLarge, ValidationFailed
from mokmin.guard.detect import DEFAULT_THRESHOLD, detect
from mokmin.guard.spans import PiiType, Span

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_TEXT_CHARS = 1_000_000
MAX_ITEMS = 1000
ENCODINGS = ("utf-8-sig", "cp949")  # Korean office text files are often still EUC-KR/CP949


def parse_types(types: Iterable[str] | None) -> set[str] | None:
    """Type names in any case; an unknown one is a clear 422 listing the known ones.

    The unknown value is not echoed back: error messages never repeat what the caller sent.
    """
    if types is None:
        return None
    wanted = {t.strip().upper() for t in types if t.strip()}
    unknown = wanted - {t.value for t in PiiType}
    if unknown:
        raise ValidationFailed("guard.scan_bad_type", allowed=", ".join(t.value for t in PiiType))
    return wanted or None


def check_text(text: str) -> str:
    if len(text) > MAX_TEXT_CHARS:
        raise TooLarge("guard.scan_too_long", max=MAX_TEXT_CHARS)
    return text


def decode_upload(filename: str, data: bytes) -> str:
    """A ``.txt`` upload as text (UTF-8, else CP949); other files and undecodable bytes are refused."""
    if not filename.lower().endswith(".txt"):
        raise ValidationFailed("guard.scan_bad_file")
    if len(data) > MAX_UPLOAD_BYTES:
        raise TooLarge("guard.scan_file_too_large", max_mb=MAX_UPLOAD_BYTES // (1024 * 1024))
    if b"\x00" in data:
        raise ValidationFailed("guard.scan_bad_encoding")
    for encoding in ENCODINGS:
        try:
            return check_text(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise ValidationFailed("guard.scan_bad_encoding")


def scan(text: str, types: set[str] | None = None, threshold: float = DEFAULT_THRESHOLD) -> list[Span]:
    """Findings in ``text``; raises ``DetectionFailed`` (a 503) when detection cannot complete."""
    return detect(text, types=types, threshold=threshold)


@dataclass(frozen=True)
class Segment:
    """A run of the text: plain, or one finding to highlight."""

    text: str
    span: Span | None = None


def segments(text: str, spans: Iterable[Span]) -> list[Segment]:
    """The text cut at the findings, for a template to wrap each finding in ``<mark>``."""
    out: list[Segment] = []
    pos = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < pos:
            continue
        if span.start > pos:
            out.append(Segment(text[pos : span.start]))
        out.append(Segment(text[span.start : span.end], span))
        pos = span.end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out
