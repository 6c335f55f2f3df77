"""Operators on spans: pseudonymise (reversible, per conversation), mask and redact; and restore.

A :class:`Pseudonymizer` holds one conversation's mapping: the same value always gets the same placeholder
(``[개인_1]``, ``[전화_2]``), so the model can keep references straight and its answer can be restored. The
key is the exact written value: ``010-1234-5678`` and ``01012345678`` get different placeholders, because
restoring must give back exactly what the user wrote. Placeholders are restored in the model's answer,
also when streamed in arbitrary chunks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from mokmin.guard.detect import detect
from mokmin.guard.spans import PiiType, Span

LABELS: dict[PiiType, str] = {
    PiiType.PERSON: "개인",
    PiiType.PHONE: "전화",
    PiiType.RRN: "주민번호",
    PiiType.FRN: "외국인번호",
    PiiType.BRN: "사업자번호",
    PiiType.CRN: "법인번호",
    PiiType.PASSPORT: "여권",
    PiiType.DRIVER_LICENSE: "면허",
    PiiType.HEALTH_INSURANCE: "건강보험",
    PiiType.BANK_ACCOUNT: "계좌",
    PiiType.CARD: "카드",
    PiiType.VEHICLE_PLATE: "차량",
    PiiType.EMAIL: "이메일",
    PiiType.IP: "IP",
    PiiType.ADDRESS: "주소",
}
_PLACEHOLDER = re.compile("\\[(?:" + "|".join(LABELS.values()) + ")_[1-9][0-9]*\\]")
_MAX_PLACEHOLDER = max(len(label) for label in LABELS.values()) + 12
# A tail that could still grow into a placeholder: "[", "[전", "[전화_", "[전화_12" …
_PARTIAL = re.compile("\\[(?:[가-힣A-Z]{0,5}(?:_[0-9]{0,8})?)?$")


def _splice(text: str, spans: Iterable[Span], replace: Callable[[Span, str], str]) -> str:
    out: list[str] = []
    pos = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < pos:
            continue  # overlapping input: the earlier span already covers it
        out.append(text[pos : span.start])
        out.append(replace(span, text[span.start : span.end]))
        pos = span.end
    out.append(text[pos:])
    return "".join(out)


def mask(text: str, spans: Iterable[Span], char: str = "*") -> str:
    """Replace each span's characters by ``char``, keeping length and the separators ``-``, space, ``.``."""
    return _splice(text, spans, lambda _s, v: "".join(c if c in "- ." else char for c in v))


def redact(text: str, spans: Iterable[Span]) -> str:
    """Replace each span by its type label in brackets (``[전화]``); irreversible."""
    return _splice(text, spans, lambda s, _v: f"[{LABELS[s.type]}]")


class Pseudonymizer:
    """One conversation's reversible mapping between values and placeholders."""

    def __init__(self, *, types: Iterable[str] | None = None, threshold: float | None = None) -> None:
        self._types = frozenset(types) if types is not None else None
        self._threshold = threshold
        self._by_value: dict[tuple[PiiType, str], str] = {}
        self._originals: dict[str, str] = {}
        self._counters: dict[PiiType, int] = {}

    @property
    def mapping(self) -> dict[str, str]:
        """Placeholder → original text (a copy; the vault persists this)."""
        return dict(self._originals)

    def pseudonymize(self, text: str, spans: Iterable[Span] | None = None) -> str:
        """Replace detected personal data by placeholders; raises ``DetectionFailed`` if detection fails."""
        if spans is None:
            kwargs = {} if self._threshold is None else {"threshold": self._threshold}
            spans = detect(text, types=self._types, **kwargs)
        return _splice(text, spans, lambda s, v: self._placeholder(s.type, v, text))

    def _placeholder(self, kind: PiiType, value: str, source: str) -> str:
        key = (kind, value)
        existing = self._by_value.get(key)
        if existing is not None:
            return existing
        number = self._counters.get(kind, 0)
        while True:
            number += 1
            placeholder = f"[{LABELS[kind]}_{number}]"
            if placeholder not in source and placeholder not in self._originals:
                break  # never reuse a placeholder string the user typed literally
        self._counters[kind] = number
        self._by_value[key] = placeholder
        self._originals[placeholder] = value
        return placeholder

    def restore(self, text: str) -> str:
        """Put the original values back for every placeholder this conversation issued."""
        return _PLACEHOLDER.sub(lambda m: self._originals.get(m.group(0), m.group(0)), text)

    def restorer(self) -> StreamRestorer:
        """A restorer for a streamed answer whose chunks may split a placeholder anywhere."""
        return StreamRestorer(self.restore)


class StreamRestorer:
    """Restores placeholders in a stream: holds back only a tail that could still become a placeholder."""

    def __init__(self, restore: Callable[[str], str]) -> None:
        self._restore = restore
        self._pending = ""

    def feed(self, chunk: str) -> str:
        """Return the restored text that is safe to emit now."""
        buffer = self._pending + chunk
        cut = buffer.rfind("[")
        if cut >= 0 and len(buffer) - cut <= _MAX_PLACEHOLDER and _PARTIAL.match(buffer, cut):
            self._pending = buffer[cut:]
            return self._restore(buffer[:cut])
        self._pending = ""
        return self._restore(buffer)

    def flush(self) -> str:
        """Return whatever is still held back (the stream ended)."""
        rest, self._pending = self._pending, ""
        return self._restore(rest)
