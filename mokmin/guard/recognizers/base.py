"""What a recognizer is: data (patterns, context words) plus a ``validate()`` hook.

Subclasses declare class attributes and, where the identifier has a checksum or a plausibility rule,
override :meth:`Recognizer.validate`. The generic :meth:`Recognizer.analyze` runs the patterns over the
folded text, applies context, validation and the score, and yields spans in original offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from mokmin.guard.spans import PiiType, Span

# Digits must not touch other digits; `\b` is useless next to Hangul (KOREAN_IDENTIFIERS.md §0.1).
NO_DIGIT_BEFORE = r"(?<![0-9])"
NO_DIGIT_AFTER = r"(?![0-9])"
NO_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
NO_ALNUM_AFTER = r"(?![0-9A-Za-z])"
SEP = r"(?: ?- ?| )?"  # hyphen (maybe spaced), one space, or nothing


@dataclass(frozen=True, slots=True)
class Pattern:
    """One regular expression; ``groups`` names the groups that become spans (0 = the whole match)."""

    name: str
    regex: re.Pattern[str]
    score: float
    groups: tuple[int, ...] = (0,)


@dataclass(frozen=True, slots=True)
class Context:
    """Which cue words sit nearest before (or, failing that, just after) a candidate."""

    positive: bool
    negative: bool


def find_context(
    lowered: str, start: int, end: int, words: tuple[str, ...], anti: tuple[str, ...], before: int, after: int
) -> Context:
    """The nearest cue wins: ``주민번호 …, 접수번호 1234…`` is anti-context for the second number."""
    lo = max(0, start - before)
    window = lowered[lo:start]
    best_pos = max((window.rfind(w) + len(w) for w in words if w in window), default=-1)
    best_neg = max((window.rfind(w) + len(w) for w in anti if w in window), default=-1)
    if best_pos < 0 and best_neg < 0:
        tail = lowered[end : end + after]
        pos_after = min((tail.find(w) for w in words if w in tail), default=-1)
        neg_after = min((tail.find(w) for w in anti if w in tail), default=-1)
        if pos_after >= 0 and (neg_after < 0 or pos_after < neg_after):
            return Context(True, False)
        return Context(False, neg_after >= 0)
    if best_pos > best_neg:
        return Context(True, False)
    return Context(False, True)


class Recognizer:
    """Base class. Instances are stateless and shared; ``analyze`` may be called from many threads."""

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
    needs_lowered: ClassVar[bool] = True

    def validate(self, value: str, pattern: Pattern, ctx: Context) -> float | None:
        """Return the score for ``value`` before context adjustment, or ``None`` to reject it."""
        return pattern.score

    def score_match(self, match: re.Match[str], pattern: Pattern, ctx: Context) -> float | None:
        """Hook for recognizers that need the match's groups; by default validates the matched text."""
        return self.validate(match.group(0), pattern, ctx)

    def applies(self, text: str) -> bool:
        return self.triggers is None or any(t in text for t in self.triggers)

    def analyze(self, text: str, lowered: str) -> Iterator[Span]:
        """Yield candidate spans in ``text`` (already folded; ``lowered`` is ``text.lower()``)."""
        if not self.applies(text):
            return
        for pattern in self.patterns:
            for match in pattern.regex.finditer(text):
                yield from self._score(text, lowered, pattern, match)

    def _score(self, text: str, lowered: str, pattern: Pattern, match: re.Match[str]) -> Iterator[Span]:
        start, end = match.span()
        ctx = find_context(
            lowered, start, end, self.context, self.anti_context, self.context_before, self.context_after
        )
        score = self.score_match(match, pattern, ctx)
        if score is None:
            return
        if ctx.positive:
            score += self.context_boost
        elif ctx.negative:
            score -= self.anti_penalty
        score = max(0.0, min(1.0, score))
        for group in pattern.groups:
            g_start, g_end = match.span(group)
            if g_start < g_end:
                yield Span(self.type, g_start, g_end, score, self.name)
