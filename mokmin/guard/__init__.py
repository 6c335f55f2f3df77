"""Privacy guard: detect personal data in Korean/English text and pseudonymise, mask or redact it."""

from mokmin.guard.detect import DetectionFailed, detect
from mokmin.guard.pseudonymize import Pseudonymizer, StreamRestorer, mask, redact
from mokmin.guard.spans import ALL_TYPES, PiiType, Span

__all__ = [
    "ALL_TYPES",
    "DetectionFailed",
    "PiiType",
    "Pseudonymizer",
    "Span",
    "StreamRestorer",
    "detect",
    "mask",
    "redact",
]
