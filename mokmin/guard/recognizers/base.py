"""What a recognizer is: data (patterns, context words) plus a ``validate()`` hook.

Subclasses declare class attributes and, where the identifier has a checksum or a plausibility rule,
override :meth:`Recognizer.validate`. The generic :meth:`Recognizer.find` runs the patterns over the
folded text, applies context, validation and the score, and yields spans in original offsets.

Speed comes from not looking where nothing can match, never from looking less carefully: a :class:`Scan`
is shared by every recognizer of one detection, so each regular expression runs once per text however many
recognizers use it (RRN, FRN and CRN share one shape), a pattern whose *gate* proves it cannot match is not
run at all (a 13-digit shape needs a 6-digit run; most texts have none), and context words are looked up
only after one precompiled search says some cue word is near.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

from mokmin.guard.recognizers.normalize import lower_ascii
from mokmin.guard.recognizers.prefilter import WINDOW_MARGIN
from mokmin.guard.spans import PiiType, Span

# Digits must not touch other digits; `\b` is useless next to Hangul (KOREAN_IDENTIFIERS.md §0.1).
NO_DIGIT_BEFORE = r"(?<![0-9])"
NO_DIGIT_AFTER = r"(?![0-9])"
NO_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
NO_ALNUM_AFTER = r"(?![0-9A-Za-z])"
SEP = r"(?: ?- ?| )?"  # hyphen (maybe spaced), one space, or nothing


@functools.cache
def _digit_run(length: int) -> re.Pattern[str]:
    return re.compile(rf"\d{{{length}}}")


def _window_end(window: tuple[int, int]) -> int:
    return window[1]


@dataclass(frozen=True, slots=True)
class Pattern:
    """One regular expression; ``groups`` names the groups that become spans (0 = the whole match).

    ``min_run`` and ``gate`` are optional proofs of absence, checked before the pattern runs: every match
    contains a run of at least ``min_run`` consecutive ``\\d`` characters, and ``gate`` (a cheaper regular
    expression) finds something in any text the pattern matches. Both must be *implied* by the pattern —
    a wrong gate loses findings, which is why the tests check each gate against its pattern.
    """

    name: str
    regex: re.Pattern[str]
    score: float
    groups: tuple[int, ...] = (0,)
    min_run: int = 0
    gate: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class Context:
    """Which cue words sit nearest before (or, failing that, just after) a candidate."""

    positive: bool
    negative: bool


NO_CONTEXT = Context(False, False)


def find_context(
    lowered: str, start: int, end: int, words: tuple[str, ...], anti: tuple[str, ...], before: int, after: int
) -> Context:
    """The nearest cue wins: ``주민번호 …, 접수번호 1234…`` is anti-context for the second number."""
    window = lowered[max(0, start - before) : start]
    best_pos = _last_end(window, words)
    best_neg = _last_end(window, anti)
    if best_pos < 0 and best_neg < 0:
        tail = lowered[end : end + after]
        pos_after = _first_start(tail, words)
        neg_after = _first_start(tail, anti)
        if pos_after >= 0 and (neg_after < 0 or pos_after < neg_after):
            return Context(True, False)
        return Context(False, neg_after >= 0)
    if best_pos > best_neg:
        return Context(True, False)
    return Context(False, True)


def _last_end(window: str, words: tuple[str, ...]) -> int:
    """Where the last-ending occurrence of any of ``words`` in ``window`` ends, or -1."""
    best = -1
    for word in words:
        at = window.rfind(word)
        if at >= 0 and at + len(word) > best:
            best = at + len(word)
    return best


def _first_start(window: str, words: tuple[str, ...]) -> int:
    """Where the first occurrence of any of ``words`` in ``window`` starts, or -1."""
    best = -1
    for word in words:
        at = window.find(word)
        if at >= 0 and (best < 0 or at < best):
            best = at
    return best


def cue_regex(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """One search for "is any of these (lower-case) words here?", case-insensitive for ASCII only.

    Equivalent to searching the :func:`lower_ascii` copy, so the copy is only made when a cue is near.
    Words that are not lower-case could never match that copy and are left out.
    """
    usable = sorted({w for w in words if w and lower_ascii(w) == w}, key=lambda w: (-len(w), w))
    if not usable:
        return None
    # A flat alternation: with IGNORECASE, ``re`` searches it faster than the trie shape used for place names.
    return re.compile("|".join(map(re.escape, usable)), re.IGNORECASE | re.ASCII)


class Scan:
    """One folded text as every recognizer of a detection sees it; memoises what they share.

    Not thread-safe by itself, but each detection builds its own, so recognizers stay shareable.
    """

    __slots__ = (
        "_gates",
        "_lowered",
        "_matches",
        "impossible",
        "text",
        "threshold",
        "windows",
    )

    def __init__(
        self,
        text: str,
        lowered: str | None = None,
        impossible: frozenset[int] = frozenset(),
        windows: dict[int, list[tuple[int, int]]] | None = None,
        threshold: float = 0.0,
    ) -> None:
        self.text = text
        # Spans scoring below this are of no use to the caller: recognizers may leave them out, and skip the
        # context lookup for a candidate that no context could lift to it.
        self.threshold = threshold
        # id()s of the patterns a prefilter proved absent (see :mod:`prefilter`). Compiled patterns are keyed
        # by id() throughout: hashing one hashes its whole compiled program (10 µs for the address pattern).
        self.impossible = impossible
        # Where a prefilter proved every match of a pattern lies: sorted, disjoint [lo, hi] windows by id().
        self.windows = windows if windows is not None else {}
        self._lowered = lowered
        self._gates: dict[int, bool] = {}
        self._matches: dict[int, list[re.Match[str]]] = {}

    @property
    def lowered(self) -> str:
        """``lower_ascii(text)``, made on first use (most texts never need it)."""
        if self._lowered is None:
            self._lowered = lower_ascii(self.text)
        return self._lowered

    def passes(self, pattern: Pattern) -> bool:
        """False when ``pattern`` provably cannot match this text."""
        key = id(pattern.regex)
        if key in self.impossible:
            return False
        if key in self.windows:
            return True  # the prefilter found where it may match: searching there is cheaper than any gate
        if pattern.min_run and not self.has_run(pattern.min_run):
            return False
        gate = pattern.gate
        return gate is None or self.occurs(gate)

    def has_run(self, length: int) -> bool:
        """Whether the text holds ``length`` consecutive ``\\d`` characters (one search, stopping at the first)."""
        return self.occurs(_digit_run(length))

    def occurs(self, regex: re.Pattern[str]) -> bool:
        """``regex.search(text) is not None``, computed once per text."""
        found = self._gates.get(id(regex))
        if found is None:
            found = self._gates[id(regex)] = regex.search(self.text) is not None
        return found

    def matches(self, regex: re.Pattern[str]) -> list[re.Match[str]]:
        """``list(regex.finditer(text))``, computed once per text however many recognizers ask."""
        found = self._matches.get(id(regex))
        if found is None:
            windows = self.windows.get(id(regex))
            found = list(regex.finditer(self.text)) if windows is None else self._windowed(regex, windows)
            self._matches[id(regex)] = found
        return found

    def search(self, regex: re.Pattern[str], pos: int = 0) -> re.Match[str] | None:
        """``regex.search(text, pos)``, looking only inside the pattern's windows when it has some."""
        windows = self.windows.get(id(regex))
        if windows is None:
            return regex.search(self.text, pos)
        first = bisect_left(windows, pos, key=_window_end) if pos else 0
        for lo, hi in windows[first:]:
            match = self._in_window(regex, lo, hi, pos)
            if match is not None:
                return match
        return None

    def _windowed(self, regex: re.Pattern[str], windows: list[tuple[int, int]]) -> list[re.Match[str]]:
        """``finditer`` semantics, window by window: each match starts the next search at its end."""
        found: list[re.Match[str]] = []
        pos = 0
        for lo, hi in windows:
            while pos <= hi and (match := self._in_window(regex, lo, hi, pos)) is not None:
                if match.end() == match.start():  # empty matches follow subtler rules: leave them to finditer
                    return list(regex.finditer(self.text))
                found.append(match)
                pos = match.end()
        return found

    def _in_window(self, regex: re.Pattern[str], lo: int, hi: int, pos: int) -> re.Match[str] | None:
        """What ``regex.search(text, max(lo, pos))`` finds, given the prefilter's guarantee that a match starting
        in the window ``[lo, hi]`` also ends there; ``None`` when no match starts in the window.

        The search is cut a little after the window so lookaheads see what they read; a match running past the
        window can only be an artefact of the cut (real ones lie inside), so the whole text decides.
        """
        text = self.text
        match = regex.search(text, max(lo, pos), min(len(text), hi + WINDOW_MARGIN))
        if match is None or match.end() <= hi:
            return match
        return regex.search(text, match.start())


class Recognizer:
    """Base class. Instances are stateless and shared; ``find`` may be called from many threads."""

    name: ClassVar[str]
    type: ClassVar[PiiType]
    patterns: ClassVar[tuple[Pattern, ...]] = ()
    context: ClassVar[tuple[str, ...]] = ()
    anti_context: ClassVar[tuple[str, ...]] = ()
    # Cheap pre-check: if none of these substrings occurs, the recognizer is skipped (None = always run).
    triggers: ClassVar[tuple[str, ...] | None] = None
    context_before: ClassVar[int] = 40
    context_after: ClassVar[int] = 12
    context_boost: ClassVar[float] = 0.35
    anti_penalty: ClassVar[float] = 0.5
    # Whether validate()/score_match() read their ``ctx`` argument. Most do not: they then get NO_CONTEXT and
    # the context is looked up only for values they accept (a failed checksum needs no context words).
    context_in_validate: ClassVar[bool] = False
    _cues: ClassVar[re.Pattern[str] | None] = None
    _boosters: ClassVar[re.Pattern[str] | None] = None  # the positive cue words alone
    # Every regex ``find`` may run. When a prefilter proves all of them absent, detection skips the
    # recognizer, so a subclass whose ``find`` uses other expressions must list them in ``patterns`` too.
    regexes: ClassVar[frozenset[int]] = frozenset()  # their id()s

    _legacy: ClassVar[bool] = False  # a plugin written against the older ``analyze`` hook

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls._cues = cue_regex(cls.context + cls.anti_context)
        cls._boosters = cue_regex(cls.context)
        cls.regexes = frozenset(id(p.regex) for p in cls.patterns)
        cls._legacy = cls.analyze is not Recognizer.analyze

    def ruled_out(self, scan: Scan) -> bool:
        """True when none of this recognizer's expressions can match ``scan.text``: no need to call ``find``."""
        return bool(self.regexes) and self.regexes <= scan.impossible

    def validate(self, value: str, pattern: Pattern, ctx: Context) -> float | None:
        """Return the score for ``value`` before context adjustment, or ``None`` to reject it.

        ``ctx`` is the real context only in recognizers that set ``context_in_validate``.
        """
        return pattern.score

    def score_match(self, match: re.Match[str], pattern: Pattern, ctx: Context) -> float | None:
        """Hook for recognizers that need the match's groups; by default validates the matched text."""
        return self.validate(match.group(0), pattern, ctx)

    def applies(self, text: str) -> bool:
        return self.triggers is None or any(t in text for t in self.triggers)

    def analyze(self, text: str, lowered: str) -> Iterator[Span]:
        """Candidate spans in one text (already folded; ``lowered`` is ``lower_ascii(text)``)."""
        return self.find(Scan(text, lowered))

    def find(self, scan: Scan) -> Iterator[Span]:
        """Candidate spans in ``scan.text``: the hook :func:`mokmin.guard.detect` calls."""
        if self._legacy:
            yield from self.analyze(scan.text, scan.lowered)
            return
        if not self.applies(scan.text):
            return
        for pattern in self.patterns:
            if scan.passes(pattern):
                for match in self.matches(scan, pattern):
                    spans = self._score(scan, pattern, match)
                    if spans:
                        yield from spans

    def matches(self, scan: Scan, pattern: Pattern) -> Iterable[re.Match[str]]:
        """Where ``pattern`` matches ``scan.text``; a recognizer may narrow where it looks, never what it finds."""
        return scan.matches(pattern.regex)

    def context_at(self, scan: Scan, start: int, end: int) -> Context:
        """:func:`find_context` for this recognizer's words, skipped when no cue word is anywhere near."""
        # Only the candidate's own window is searched: a search of the whole text for "any cue at all" would
        # scan a long document end to end for every recognizer, costing more than the windows do.
        if not self._near(self._cues, scan, start, end):
            return NO_CONTEXT
        return find_context(
            scan.lowered, start, end, self.context, self.anti_context, self.context_before, self.context_after
        )

    def _may_lift(self, scan: Scan, score: float, start: int, end: int) -> bool:
        """Whether positive context could still lift ``score`` to the scan's threshold: a positive cue word
        lies in the candidate's context window."""
        return score + self.context_boost >= scan.threshold and self._near(self._boosters, scan, start, end)

    def _near(self, words: re.Pattern[str] | None, scan: Scan, start: int, end: int) -> bool:
        """Whether ``words`` (a :func:`cue_regex`) finds something in the context window of ``start:end``."""
        lo = max(0, start - self.context_before)
        return words is not None and words.search(scan.text, lo, end + self.context_after) is not None

    def _score(self, scan: Scan, pattern: Pattern, match: re.Match[str]) -> Sequence[Span]:
        if self.context_in_validate:
            ctx = self.context_at(scan, match.start(), match.end())
            score = self.score_match(match, pattern, ctx)
            if score is None:
                return _NO_SPANS
        else:
            score = self.score_match(match, pattern, NO_CONTEXT)
            if score is None:  # no context needed to reject a value (a failed checksum)
                return _NO_SPANS
            if score < scan.threshold and not self._may_lift(scan, score, match.start(), match.end()):
                return _NO_SPANS
            ctx = self.context_at(scan, match.start(), match.end())
        if ctx.positive:
            score += self.context_boost
        elif ctx.negative:
            score -= self.anti_penalty
        score = max(0.0, min(1.0, score))
        if pattern.groups == (0,):
            start, end = match.span()
            return (Span(self.type, start, end, score, self.name),) if start < end else _NO_SPANS
        spans = []
        for group in pattern.groups:
            g_start, g_end = match.span(group)
            if g_start < g_end:
                spans.append(Span(self.type, g_start, g_end, score, self.name))
        return spans


_NO_SPANS: tuple[Span, ...] = ()
