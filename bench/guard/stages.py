"""Where detection spends its time, stage by stage (``python -m bench.guard --stages``).

Runs the same steps as :func:`mokmin.guard.detect` on texts that fit one chunk (fold, the Hyperscan pass, each
recognizer, overlap resolution, name mentions) with a clock around each, so a change aimed at one stage can be
judged by that stage's figure rather than by a whole-run ratio that moves with the machine's load.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict

from mokmin.guard.detect import DEFAULT_THRESHOLD, _propagate_names
from mokmin.guard.recognizers import registry
from mokmin.guard.recognizers.base import Scan
from mokmin.guard.recognizers.normalize import fold
from mokmin.guard.spans import PiiType, Span, resolve_overlaps

_NO_DEADLINE = float("inf")


def timed_detect(text: str, clock: dict[str, float]) -> list[Span]:
    """:func:`mokmin.guard.detect` for a one-chunk text, adding each stage's seconds to ``clock``."""
    now = time.perf_counter
    started = now()
    folded = fold(text)
    mark = now()
    clock["fold"] += mark - started
    location = registry.locate(folded)
    scan = Scan(folded, impossible=location.impossible, windows=location.windows, threshold=DEFAULT_THRESHOLD)
    clock["Hyperscan pass"] += now() - mark
    found: list[Span] = []
    for recognizer in registry.recognizers():
        mark = now()
        if not recognizer.ruled_out(scan):
            found.extend(span for span in recognizer.find(scan) if span.score >= DEFAULT_THRESHOLD)
        clock[recognizer.name] += now() - mark
    mark = now()
    spans = resolve_overlaps(found)
    clock["overlaps"] += now() - mark
    mark = now()
    if any(span.type is PiiType.PERSON for span in spans):
        spans = _propagate_names(folded, spans, _NO_DEADLINE)
    clock["name mentions"] += now() - mark
    return spans


def stage_times(texts: list[str], rounds: int) -> dict[str, float]:
    """Microseconds per text for each stage: the best of ``rounds`` passes, stage by stage."""
    best: dict[str, float] = {}
    for _ in range(rounds):
        clock: dict[str, float] = defaultdict(float)
        for text in texts:
            timed_detect(text, clock)
        for stage, seconds in clock.items():
            best[stage] = min(best.get(stage, float("inf")), seconds * 1e6 / len(texts))
    return best


def matched(text: str) -> dict[int, list[re.Match[str]]]:
    """The pattern matching a detection of ``text`` does, and nothing else: fold, the Hyperscan pass, then each
    expression that pass and the gates do not rule out, run once the way its recognizer runs it (windows, lines),
    keyed by ``id()`` of the expression.

    No validation, context, name logic or overlap resolution: Presidio's time divided by this one bounds the
    throughput ratio any detector reaches that keeps today's expressions and runs them from Python.
    """
    folded = fold(text)
    location = registry.locate(folded)
    scan = Scan(folded, impossible=location.impossible, windows=location.windows)
    found: dict[int, list[re.Match[str]]] = {}
    for recognizer in registry.recognizers():
        for pattern in recognizer.patterns:
            if id(pattern.regex) not in found and scan.passes(pattern):
                found[id(pattern.regex)] = list(recognizer.matches(scan, pattern))
    return found
