"""Detection entry point: run every registered recognizer, resolve overlaps, fail closed.

The text is folded (full-width digits, Unicode dashes) without changing its length, scanned in overlapping
chunks so each regular expression works on bounded input, and checked against a deadline between steps.
If detection cannot finish — time budget exhausted or a recognizer crashed — :class:`DetectionFailed` is
raised and callers must refuse to send the text anywhere.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable

from mokmin.core.errors import Unavailable
from mokmin.guard.recognizers import lexicon, registry
from mokmin.guard.recognizers.base import Recognizer, Scan
from mokmin.guard.recognizers.normalize import fold
from mokmin.guard.recognizers.person import STOPWORDS
from mokmin.guard.spans import PiiType, Span, resolve_overlaps

DEFAULT_THRESHOLD = 0.5
CHUNK_CHARS = 65_536
OVERLAP_CHARS = 320  # longer than any span plus its context window
BASE_BUDGET_S = 10.0
BUDGET_S_PER_MB = 10.0
ALIAS_SCORE = 0.75


class DetectionFailed(Unavailable):
    """Personal-data detection did not complete; the text must not leave the building."""

    code = "detection_failed"

    def __init__(self, reason: str) -> None:
        super().__init__(
            "개인정보 검사를 완료하지 못해 요청을 보내지 않았습니다. 잠시 후 다시 시도하거나 내용을 줄여 주세요. "
            "(Personal-data check could not complete; the request was not sent.)",
            detail=reason,
        )


def default_budget(length: int) -> float:
    """Seconds allowed for a text of ``length`` characters: generous, but finite."""
    return BASE_BUDGET_S + BUDGET_S_PER_MB * length / 1_000_000


def detect(
    text: str,
    *,
    types: Iterable[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    timeout_s: float | None = None,
) -> list[Span]:
    """Personal-data spans in ``text`` (Python string offsets), non-overlapping and sorted by position.

    ``types`` limits the result to those type names (e.g. ``{"RRN", "PHONE"}``); unknown names raise
    ``ValueError``. Raises :class:`DetectionFailed` if detection cannot complete within ``timeout_s``
    (default: :func:`default_budget`).
    """
    wanted = frozenset(PiiType(t) for t in types) if types is not None else None
    if text:
        # Loading the word list once per process is not detection work: keep it off the budget, so a cold
        # first call on a busy machine is not refused for the load time.
        lexicon.common_words()
        registry.warm()
    deadline = time.monotonic() + (timeout_s if timeout_s is not None else default_budget(len(text)))
    try:
        return _detect(text, wanted, threshold, deadline)
    except DetectionFailed:
        raise
    except Exception as exc:  # fail closed: any crash means "not known to be safe"
        raise DetectionFailed(f"{type(exc).__name__} during detection") from exc


def _check(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise DetectionFailed("time budget exhausted")


def _chunks(length: int) -> Iterable[tuple[int, int, int, int]]:
    """(scan_start, scan_end, keep_start, keep_end): spans starting in the keep range belong to this chunk."""
    if length <= CHUNK_CHARS + OVERLAP_CHARS:
        yield 0, length, 0, length
        return
    for keep_start in range(0, length, CHUNK_CHARS):
        keep_end = min(length, keep_start + CHUNK_CHARS)
        yield max(0, keep_start - OVERLAP_CHARS), min(length, keep_end + OVERLAP_CHARS), keep_start, keep_end


def _detect(text: str, wanted: frozenset[PiiType] | None, threshold: float, deadline: float) -> list[Span]:
    folded = fold(text)
    active = registry.recognizers(wanted)
    if len(folded) <= CHUNK_CHARS + OVERLAP_CHARS:
        candidates = _find(folded, active, threshold, deadline)  # one chunk: offsets are already final
    else:
        candidates = []
        for scan_start, scan_end, keep_start, keep_end in _chunks(len(folded)):
            for span in _find(folded[scan_start:scan_end], active, threshold, deadline):
                if keep_start <= span.start + scan_start < keep_end:
                    start, end = span.start + scan_start, span.end + scan_start
                    candidates.append(Span(span.type, start, end, span.score, span.recognizer))
    _check(deadline)
    spans = resolve_overlaps(candidates)
    if spans and (wanted is None or PiiType.PERSON in wanted):
        spans = _propagate_names(folded, spans, deadline)
    return spans


def _find(chunk: str, active: list[Recognizer], threshold: float, deadline: float) -> list[Span]:
    """Every recognizer's candidates at or above ``threshold`` in one chunk (offsets into the chunk)."""
    location = registry.locate(chunk)
    scan = Scan(chunk, impossible=location.impossible, windows=location.windows, threshold=threshold)
    found: list[Span] = []
    for recognizer in active:
        if recognizer.ruled_out(scan):
            continue
        _check(deadline)
        found.extend(span for span in recognizer.find(scan) if span.score >= threshold)
    return found


# ``str.find`` per name beats one pass over every Hangul word up to a few hundred names (measured: 9 names in
# 1 KB, 59 vs 91 µs; 370 names in 217 KB, equal); beyond this many, the pass keeps the work linear.
FEW_NAMES = 64
_HANGUL_WORD = re.compile("(?<![가-힣])[가-힣]{2,5}")
_NAME_FOLLOW_OK = set("은는이가을를의와과도께에님씨로랑")


def _is_mention(text: str, name: str, start: int) -> bool:
    before = text[start - 1 : start] if start else ""
    follow = text[start + len(name) : start + len(name) + 1]
    if name.isascii():
        return not (before.isascii() and before.isalpha()) and not (follow.isascii() and follow.isalpha())
    return not ("가" <= follow <= "힣" and follow not in _NAME_FOLLOW_OK and len(name) < 3)


def _korean_mentions(text: str, names: set[str], deadline: float) -> Iterable[tuple[int, str]]:
    """Places where a Hangul word starts with one of ``names`` (particles may follow); the longest name wins.

    A few names (the usual case) are looked up with ``str.find``; many names in a long text with one pass over
    its Hangul words instead, so the work stays linear in the text.
    """
    if len(names) > FEW_NAMES:
        return _mentions_by_word(text, names, deadline)
    longest: dict[int, str] = {}
    for name in sorted(names):
        _check(deadline)
        start = text.find(name)
        while start >= 0:
            if (start == 0 or not "가" <= text[start - 1] <= "힣") and len(name) > len(
                longest.get(start, "")
            ):
                longest[start] = name
            start = text.find(name, start + 1)
    return sorted(longest.items())


def _mentions_by_word(text: str, names: set[str], deadline: float) -> Iterable[tuple[int, str]]:
    for count, match in enumerate(_HANGUL_WORD.finditer(text)):
        if count % 65_536 == 0:
            _check(deadline)
        word = match.group(0)
        for size in range(len(word), 1, -1):
            if word[:size] in names:
                yield match.start(), word[:size]
                break


def _english_mentions(text: str, names: set[str], deadline: float) -> Iterable[tuple[int, str]]:
    for name in sorted(names):
        _check(deadline)
        start = text.find(name)
        while start >= 0:
            yield start, name
            start = text.find(name, start + 1)


def _propagate_names(text: str, spans: list[Span], deadline: float) -> list[Span]:
    """Mask every other mention of a name found with a cue (``홍길동 드림``): a per-document alias table."""
    names = {text[s.start : s.end] for s in spans if s.type is PiiType.PERSON}
    names = {n for n in names if len(n) >= 2 and n not in STOPWORDS}
    korean = {n for n in names if not n.isascii()}
    english = names - korean
    # A mention where its name was found (with at least the alias's score) would lose to that span anyway.
    settled = {(s.start, s.end) for s in spans if s.type is PiiType.PERSON and s.score >= ALIAS_SCORE}
    extra: list[Span] = []
    found = [*_korean_mentions(text, korean, deadline)] if korean else []
    found += _english_mentions(text, english, deadline)
    for start, name in found:
        if (start, start + len(name)) not in settled and _is_mention(text, name, start):
            extra.append(Span(PiiType.PERSON, start, start + len(name), ALIAS_SCORE, "person_alias"))
    if not extra:
        return spans
    return resolve_overlaps([*spans, *extra])
