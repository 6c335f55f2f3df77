"""Span-level precision/recall/F1 per type and the share of personal-data characters left unmasked.

A prediction matches a gold span when the types agree and the overlap covers at least half of the longer
of the two (so ``(02) 1234-5678`` vs ``02) 1234-5678`` still counts, a phone inside an address does not).
Each gold span can be matched once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

Spans = list[tuple[int, int, str]]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    by_type: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    pii_chars: int = 0
    leaked_chars: int = 0

    @property
    def overall(self) -> Counts:
        total = Counts()
        for c in self.by_type.values():
            total.tp += c.tp
            total.fp += c.fp
            total.fn += c.fn
        return total

    @property
    def leaked_share(self) -> float:
        return self.leaked_chars / self.pii_chars if self.pii_chars else 0.0


def _matches(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    overlap = min(a[1], b[1]) - max(a[0], b[0])
    return a[2] == b[2] and overlap > 0 and overlap * 2 >= max(a[1] - a[0], b[1] - b[0])


def add(score: Score, gold: Spans, predicted: Spans, types: set[str] | None = None) -> None:
    """Accumulate one text's result; ``types`` limits scoring to types the system claims to support."""
    gold_eval = [g for g in gold if types is None or g[2] in types]
    used: set[int] = set()
    for p in predicted:
        hit = next((i for i, g in enumerate(gold_eval) if i not in used and _matches(g, p)), None)
        if hit is None:
            score.by_type[p[2]].fp += 1
        else:
            used.add(hit)
            score.by_type[p[2]].tp += 1
    for i, g in enumerate(gold_eval):
        if i not in used:
            score.by_type[g[2]].fn += 1
    covered: set[int] = set()
    for start, end, _ in predicted:
        covered.update(range(start, end))
    for start, end, _ in gold:
        score.pii_chars += end - start
        score.leaked_chars += sum(1 for i in range(start, end) if i not in covered)
