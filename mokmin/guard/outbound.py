"""The guard's side of the gateway seam: inspect a prompt, then prepare what one provider may receive.

``inspect`` runs detection once per request (failing closed: if detection fails, the request is refused,
never sent). ``prepare`` applies the policy for the chosen provider's locality: pass the text, replace
personal data with stable placeholders (restored in the answer, also when streamed), or block.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from mokmin.core.levels import DataLevel, Locality
from mokmin.guard.detect import detect
from mokmin.guard.policy import Action, decide, level_for
from mokmin.guard.pseudonymize import Pseudonymizer, StreamRestorer
from mokmin.guard.spans import Span


@dataclass(frozen=True)
class Inspection:
    """Findings for each message of a prompt, and the level they raise the request to."""

    texts: tuple[str, ...]
    spans: tuple[tuple[Span, ...], ...]
    level: DataLevel

    @property
    def findings(self) -> dict[str, int]:
        counts = Counter(str(span.type) for spans in self.spans for span in spans)
        return dict(sorted(counts.items()))


def inspect(texts: Sequence[str], requested: DataLevel) -> Inspection:
    """Detect personal data in every text; raises ``DetectionFailed`` (fail closed) when it cannot."""
    spans = tuple(tuple(detect(text)) for text in texts)
    counts = Counter(str(span.type) for group in spans for span in group)
    return Inspection(tuple(texts), spans, level_for(requested, counts))


@dataclass
class Prepared:
    """What goes to one provider, and how to turn its answer back for the user."""

    texts: list[str]
    action: Action
    pseudonymizer: Pseudonymizer | None = None
    masked_spans: int = 0
    notes: dict[str, int] = field(default_factory=dict)

    def restorer(self) -> StreamRestorer | None:
        return self.pseudonymizer.restorer() if self.pseudonymizer else None

    def restore(self, text: str) -> str:
        return self.pseudonymizer.restore(text) if self.pseudonymizer else text


def prepare(
    inspection: Inspection,
    locality: Locality,
    overrides: Mapping[tuple[DataLevel, Locality], Action] = {},
    pseudonymizer: Pseudonymizer | None = None,
) -> Prepared:
    """Apply the policy cell for (the request's level, this provider's locality)."""
    action = decide(inspection.level, locality, overrides)
    if action is Action.PSEUDONYMIZE and any(inspection.spans):
        pseudo = pseudonymizer or Pseudonymizer()
        texts = [
            pseudo.pseudonymize(text, spans)
            for text, spans in zip(inspection.texts, inspection.spans, strict=True)
        ]
        return Prepared(texts, action, pseudo, sum(len(s) for s in inspection.spans))
    return Prepared(list(inspection.texts), action)
