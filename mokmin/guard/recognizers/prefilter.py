"""One multi-pattern pass that tells which recognizer patterns could match a text at all.

Python's ``re`` scans a text once per pattern, and detection has about forty patterns: on short texts that
per-pattern scan is most of the cost, although a typical text can match four of them. Hyperscan (Intel's
multi-pattern matcher, PyPI ``hyperscan``) scans for all of them in one pass in native code. It is only asked
*whether* each pattern matches somewhere; the matching itself stays with ``re``, so results are unchanged.

For that to be safe, each Hyperscan expression accepts a superset of what its ``re`` pattern accepts:

- lookarounds are dropped (an assertion removed can only allow more matches) and groups become plain groups;
- ``\\d`` becomes ``[0-9]``: the same set in folded text, where :func:`~normalize.fold` has turned every other
  Unicode digit into an ASCII one (so the prefilter only ever sees folded text); ``\\s`` becomes "any
  character", which allows more;
- a pattern using anything else this translation does not understand (flags, back-references, conditionals,
  ``\\w``, ``\\b`` …) is left out and always runs.

Without Hyperscan (not installed, or no build for this CPU) every pattern simply runs, as before.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Any

log = logging.getLogger(__name__)

_LOOKAROUND = ("(?<!", "(?<=", "(?!", "(?=")
_UNSAFE_ESCAPES = frozenset("wWbBAZzDSGpPNuUx0123456789")
NOTHING: frozenset[int] = frozenset()  # "no pattern ruled out"


def superset_expression(regex: re.Pattern[str]) -> str | None:
    """A Hyperscan expression matching wherever ``regex`` can match, or ``None`` if not translatable."""
    if regex.flags & ~re.UNICODE:
        return None  # IGNORECASE, VERBOSE, MULTILINE …: not worth translating
    pattern = regex.pattern
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        char = pattern[i]
        if char == "\\":
            escaped = pattern[i + 1 : i + 2]
            if not escaped or escaped in _UNSAFE_ESCAPES:
                return None
            if escaped == "d":
                out.append("0-9" if in_class else "[0-9]")
            elif escaped == "s" and not in_class:
                out.append(r"[\s\S]")
            elif escaped == "s":
                return None
            else:
                out.append(pattern[i : i + 2])
            i += 2
        elif in_class:
            in_class = char != "]"
            out.append(char)
            i += 1
        elif char == "[":
            in_class = True
            head = 2 if pattern.startswith("[^", i) else 1
            if pattern.startswith("]", i + head):
                head += 1  # a leading "]" is a literal
            out.append(pattern[i : i + head])
            i += head
        elif pattern.startswith(_LOOKAROUND, i):
            end = _group_end(pattern, i)
            if end < 0:
                return None
            out.append(_boundary(pattern, i, end))
            i = end + 1
        elif pattern.startswith("(?P<", i):
            out.append("(?:")
            i = pattern.index(">", i) + 1
        elif pattern.startswith("(?", i) and not pattern.startswith("(?:", i):
            return None  # inline flags, back-references, conditionals, comments
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _boundary(pattern: str, start: int, end: int) -> str:
    """What replaces the lookaround ``pattern[start:end + 1]``: usually nothing, which allows more.

    A "no such character before" at the very start, or "no such character after" at the very end, says the
    same as "start of text or another character" (``(?:^|[^0-9])``): kept that way it is exact rather than
    wider, so "13 digits" no longer counts as "10 digits somewhere" and fewer recognizers run for nothing.
    """
    inner = pattern[start + 4 : end] if pattern.startswith("(?<!", start) else pattern[start + 3 : end]
    leading = start == 0 and pattern.startswith("(?<!", start)
    trailing = end == len(pattern) - 1 and pattern.startswith("(?!", start)
    if not (leading or trailing) or not _single_class(inner):
        return ""
    translated = superset_expression(re.compile(inner))
    if translated is None or not translated.startswith("[") or translated.startswith("[^"):
        return ""
    negated = "[^" + translated[1:]
    return f"(?:^|{negated})" if leading else f"(?:{negated}|$)"


def _single_class(text: str) -> bool:
    """``text`` is exactly one ``[...]`` character class."""
    if not text.startswith("[") or text.startswith("[^"):
        return False
    i = 2 if text.startswith("[]") else 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "]":
            return i == len(text) - 1
        i += 1
    return False


def _group_end(pattern: str, start: int) -> int:
    """Index of the ``)`` closing the group that opens at ``start`` (escapes and classes respected)."""
    depth = 0
    in_class = False
    i = start
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]" or pattern[i - 1] in "[^"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


class Prefilter:
    """A compiled Hyperscan database for a set of patterns; ``impossible`` is safe to call from any thread."""

    def __init__(self, regexes: Iterable[re.Pattern[str]]) -> None:
        import hyperscan

        self._hs = hyperscan
        self.regexes: list[re.Pattern[str]] = []
        expressions: list[bytes] = []
        for regex in dict.fromkeys(regexes):
            expression = superset_expression(regex)
            if expression is not None:
                self.regexes.append(regex)
                expressions.append(expression.encode("utf-8"))
        database = _compiled(hyperscan, expressions)
        if expressions and database is None:
            # Some expression is beyond Hyperscan: find it (rare, slower) and leave it to ``re``.
            kept = [
                (r, e)
                for r, e in zip(self.regexes, expressions, strict=True)
                if _compiled(hyperscan, [e]) is not None
            ]
            self.regexes = [r for r, _ in kept]
            database = _compiled(hyperscan, [e for _, e in kept])
        self.covered = frozenset(map(id, self.regexes))  # id()s: hashing a compiled pattern is slow
        self._db: Any = database
        self._local = threading.local()

    def impossible(self, folded: str) -> frozenset[int]:
        """id()s of the patterns that certainly do not match ``folded`` (a text after :func:`~normalize.fold`)."""
        if not self.regexes:
            return NOTHING
        try:
            data = folded.encode("utf-8")
        except UnicodeEncodeError:  # fold() replaces lone surrogates, but be safe with any caller
            return NOTHING
        found: list[int] = []
        self._db.scan(data, match_event_handler=_collect, context=found, scratch=self._scratch())
        regexes = self.regexes
        return self.covered.difference([id(regexes[i]) for i in found])

    def _scratch(self) -> Any:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = self._hs.Scratch(self._db)
        return scratch


def _collect(pattern_id: int, start: int, end: int, flags: int, found: list[int]) -> None:
    found.append(pattern_id)


def _FLAGS(hyperscan: Any) -> int:
    return int(hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY)


def _compiled(hyperscan: Any, expressions: list[bytes]) -> Any:
    """A block-mode database for ``expressions`` (ids are their positions), or ``None`` if one is refused."""
    if not expressions:
        return None
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        database.compile(
            expressions=expressions,
            ids=list(range(len(expressions))),
            elements=len(expressions),
            flags=_FLAGS(hyperscan),
        )
    except hyperscan.error:  # an expression it cannot handle just stays with ``re``
        log.debug("prefilter: %d expression(s) not compiled", len(expressions))
        return None
    return database


def build(regexes: Iterable[re.Pattern[str]]) -> Prefilter | None:
    """A prefilter for ``regexes``, or ``None`` where Hyperscan is not available."""
    try:
        return Prefilter(regexes)
    except ImportError:
        return None
