"""이메일 (EMAIL): RFC 5322 simplified; the TLD ends at the first non-ASCII letter (``hong@korea.kr으로``)."""

from __future__ import annotations

import re

from mokmin.guard.recognizers.base import Pattern, Recognizer
from mokmin.guard.spans import PiiType

# Bounded quantifiers and dot-delimited labels: no nested ambiguity, so no catastrophic backtracking.
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])"
    r"[A-Za-z0-9_%+\-](?:[A-Za-z0-9._%+\-]{0,62}[A-Za-z0-9_%+\-])?"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}"
    r"(?![A-Za-z0-9\-]|\.[A-Za-z0-9])"
)


class EmailRecognizer(Recognizer):
    name = "email"
    type = PiiType.EMAIL
    patterns = (Pattern("email", _EMAIL, 0.95),)
    triggers = ("@",)
