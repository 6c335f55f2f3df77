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

import hashlib
import json
import logging
import platform
import re
import threading
from collections.abc import Iterable
from typing import Any, NamedTuple

from mokmin.core import cache

log = logging.getLogger(__name__)

_LOOKAROUND = ("(?<!", "(?<=", "(?!", "(?=")
_UNSAFE_ESCAPES = frozenset("wWbBAZzDSGpPNuUx0123456789")
_LONG_REPEAT = re.compile(r"\{(\d+),(?:[2-9]\d|\d{3,})\}")  # an upper bound of 20 or more
NOTHING: frozenset[int] = frozenset()  # "no pattern ruled out"


def superset_expression(regex: re.Pattern[str]) -> str | None:
    """A Hyperscan expression matching wherever ``regex`` can match, or ``None`` if not translatable."""
    translated = _translate(regex)
    return None if translated is None else translated[0]


def lookahead_reach(regex: re.Pattern[str]) -> int | None:
    """How many characters past its position a lookahead of ``regex`` may read (0 without lookaheads).

    ``None`` when that is unknown or more than a located search's cut allows (a repeat inside a lookahead,
    a group, an untranslatable pattern): such patterns are only ever searched over the whole text.
    """
    translated = _translate(regex)
    return None if translated is None else _reach(translated[1])


def _reach(lookaheads: list[str]) -> int | None:
    """:func:`lookahead_reach` from the bodies of a pattern's lookaheads."""
    reach = 0
    for body in lookaheads:
        width = _fixed_width(body)
        if width is None or width > _MAX_REACH:
            return None
        reach = max(reach, width)
    return reach


def _fixed_width(body: str) -> int | None:
    """Longest alternative of ``body`` in characters, if it is plain atoms and classes (no repeats, groups)."""
    widest = width = 0
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            width, i = width + 1, i + 2
        elif char == "[":
            end = _class_end(body, i)
            if end < 0:
                return None
            width, i = width + 1, end + 1
        elif char == "|":
            widest, width, i = max(widest, width), 0, i + 1
        elif char in "*+?{()":
            return None
        else:
            width, i = width + (char not in "^$"), i + 1
    return max(widest, width)


def _class_end(text: str, start: int) -> int:
    """Index of the ``]`` closing the class that opens at ``start``, or -1."""
    i = start + (2 if text.startswith("[^", start) else 1)
    if text.startswith("]", i):
        i += 1  # a leading "]" is a literal
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] == "]":
            return i
        else:
            i += 1
    return -1


def _translate(regex: re.Pattern[str]) -> tuple[str, list[str]] | None:
    """The superset expression and the bodies of the lookaheads it dropped or turned into classes."""
    if regex.flags & ~re.UNICODE:
        return None  # IGNORECASE, VERBOSE, MULTILINE …: not worth translating
    pattern = regex.pattern
    lookaheads: list[str] = []
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        char = pattern[i]
        if char == "\\":
            escape = _escape(pattern[i + 1 : i + 2], in_class)
            if escape is None:
                return None
            out.append(escape)
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
            if pattern.startswith(("(?=", "(?!"), i):
                lookaheads.append(pattern[i + 3 : end])
            i = end + 1
        elif pattern.startswith("(?P<", i):
            out.append("(?:")
            i = pattern.index(">", i) + 1
        elif pattern.startswith("(?", i) and not pattern.startswith("(?:", i):
            return None  # inline flags, back-references, conditionals, comments
        elif char == "{" and (repeat := _LONG_REPEAT.match(pattern, i)):
            # ``x{0,62}`` costs Hyperscan far more than ``x{0,}``, which allows more and so stays a superset
            out.append("{" + repeat.group(1) + ",}")
            i = repeat.end()
        else:
            out.append(char)
            i += 1
    return "".join(out), lookaheads


def _escape(escaped: str, in_class: bool) -> str | None:
    """The Hyperscan form of ``\\`` + ``escaped``, or ``None`` where it has no safe one."""
    if not escaped or escaped in _UNSAFE_ESCAPES:
        return None
    if escaped == "d":
        return "0-9" if in_class else "[0-9]"
    if escaped == "s":
        return None if in_class else r"[\s\S]"
    return "\\" + escaped


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
    """``text`` is exactly one (not negated) ``[...]`` character class."""
    return text.startswith("[") and not text.startswith("[^") and _class_end(text, 0) == len(text) - 1


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


class Location(NamedTuple):
    """What one Hyperscan pass learnt about a text: which patterns cannot match, and where the others can."""

    impossible: frozenset[int]  # id()s of patterns proved absent
    windows: dict[int, list[tuple[int, int]]]  # id() -> sorted, disjoint [lo, hi] holding every match


NOWHERE = Location(NOTHING, {})  # nothing known: every pattern runs over the whole text

# A window's search is cut this many characters after the window, so lookaheads at its end still see text.
# Patterns whose lookaheads may read further are never located (see :func:`lookahead_reach`).
WINDOW_MARGIN = 8
LOCATE_FROM_BYTES = 1024  # shorter texts are only checked for which patterns are present (see Prefilter)
_MAX_REACH = WINDOW_MARGIN - 2  # ``$`` also matches before a final line break: one more character


class Prefilter:
    """A compiled Hyperscan database for a set of patterns; ``locate`` is safe to call from any thread.

    Patterns are compiled in one of two modes. *Located* patterns (bounded lookaheads; Hyperscan can track
    where their matches start) report every match of their superset expression, start and end: every real
    match of the ``re`` pattern lies inside one of these, so ``re`` only needs to look there
    (:meth:`~mokmin.guard.recognizers.base.Scan.matches`). The others (too large for start tracking) only
    report whether they match at all.
    """

    def __init__(self, regexes: Iterable[re.Pattern[str]]) -> None:
        import hyperscan

        self._hs = hyperscan
        self.regexes: list[re.Pattern[str]] = []
        expressions: list[bytes] = []
        wanted: list[str] = []
        for regex in dict.fromkeys(regexes):
            translated = _translate(regex)
            if translated is not None:
                self.regexes.append(regex)
                expressions.append(translated[0].encode("utf-8"))
                wanted.append(_LOCATE if _reach(translated[1]) is not None else _PRESENCE)
        built = _Databases.load(hyperscan, expressions, wanted)
        if built is None:
            built = _Databases.build(hyperscan, expressions, wanted)
            built.store(hyperscan, expressions, wanted)
        kept = [i for i, mode in enumerate(built.modes) if mode is not None]
        self.regexes = [self.regexes[i] for i in kept]
        self.located = [built.modes[i] == _LOCATE for i in kept]
        self._db: Any = built.locate
        self._presence_db: Any = built.presence
        self.covered = frozenset(map(id, self.regexes))  # id()s: hashing a compiled pattern is slow
        self._ids = [id(r) for r in self.regexes]
        self._local = threading.local()

    def locate(self, folded: str) -> Location:
        """Which patterns cannot match ``folded`` (a text after :func:`~normalize.fold`) and where others can."""
        if self._db is None:
            return NOWHERE
        try:
            data = folded.encode("utf-8")
        except UnicodeEncodeError:  # fold() replaces lone surrogates, but be safe with any caller
            return NOWHERE
        if len(data) < LOCATE_FROM_BYTES:
            found: list[int] = []
            self._presence_db.scan(
                data, match_event_handler=_collect_id, context=found, scratch=self._scratch(presence=True)
            )
            return Location(self.covered.difference([self._ids[i] for i in found]), {})
        reports: list[tuple[int, int, int]] = []
        # Dense input (a megabyte of digits) would report at nearly every byte: stop and run plain ``re``.
        limit = 64 + len(data) // 4

        def collect(pattern_id: int, start: int, end: int, flags: int, context: object) -> bool:
            reports.append((pattern_id, start, end))
            return len(reports) > limit

        try:
            self._db.scan(data, match_event_handler=collect, scratch=self._scratch())
        except self._hs.ScanTerminated:
            return NOWHERE
        if not reports:
            return Location(self.covered, {})
        ids, located = self._ids, self.located
        offsets = _CharOffsets(data, folded)
        reported: set[int] = set()
        windows: dict[int, list[tuple[int, int]]] = {}
        try:
            for pattern_id, start, end in reports:
                reported.add(pattern_id)
                if located[pattern_id]:
                    span = (offsets.of(start), offsets.of(end))
                    key = ids[pattern_id]
                    if key in windows:
                        windows[key].append(span)
                    else:
                        windows[key] = [span]
        except UnicodeDecodeError:  # an offset inside a character: not in UTF-8 mode; be safe
            windows = {}
        for key, spans in windows.items():
            if len(spans) > 1:
                windows[key] = _merged(spans)
        return Location(self.covered.difference([ids[i] for i in reported]), windows)

    def _scratch(self, presence: bool = False) -> Any:
        """This thread's scratch space for one of the databases (Hyperscan needs one per thread)."""
        name = "presence" if presence else "locate"
        scratch = getattr(self._local, name, None)
        if scratch is None:
            scratch = self._hs.Scratch(self._presence_db if presence else self._db)
            setattr(self._local, name, scratch)
        return scratch


class _Databases(NamedTuple):
    """Both compiled databases, and the mode each expression got (``None``: left to ``re``).

    The two databases hold the same expressions with the same ids: tracking where matches start costs
    Hyperscan about twice the time, and turning byte offsets into string indices costs Python more, so short
    texts only ask which patterns are present. Compiling takes seconds, so the result is cached per set of
    expressions, Hyperscan version and machine (:mod:`mokmin.core.cache`).
    """

    modes: list[str | None]
    locate: Any
    presence: Any

    @classmethod
    def build(cls, hyperscan: Any, expressions: list[bytes], wanted: list[str]) -> _Databases:
        modes = _compilable_modes(hyperscan, expressions, wanted)
        kept = [(expression, mode) for expression, mode in zip(expressions, modes, strict=True) if mode]
        compiled = [expression for expression, _ in kept]
        return cls(
            modes,
            _compiled(hyperscan, compiled, [mode for _, mode in kept]),
            _compiled(hyperscan, compiled, [_PRESENCE] * len(compiled)),
        )

    def store(self, hyperscan: Any, expressions: list[bytes], wanted: list[str]) -> None:
        parts = [hyperscan.dumpb(db) if db is not None else b"" for db in (self.locate, self.presence)]
        header = {"modes": self.modes, "sizes": [len(part) for part in parts]}
        cache.write(
            _cache_name(hyperscan, expressions, wanted), json.dumps(header).encode() + b"\n" + b"".join(parts)
        )

    @classmethod
    def load(cls, hyperscan: Any, expressions: list[bytes], wanted: list[str]) -> _Databases | None:
        """The cached databases, or ``None`` if there are none usable (missing, damaged, other CPU …)."""
        stored = cache.read(_cache_name(hyperscan, expressions, wanted))
        if stored is None:
            return None
        try:
            head, _, body = stored.partition(b"\n")
            header = json.loads(head)
            modes: list[str | None] = header["modes"]
            locate_size, presence_size = header["sizes"]
            if len(modes) != len(expressions) or len(body) != locate_size + presence_size:
                return None
            if not set(modes) <= {None, _LOCATE, _PRESENCE}:
                return None
            dbs = [
                hyperscan.loadb(part, mode=hyperscan.HS_MODE_BLOCK) if part else None
                for part in (body[:locate_size], body[locate_size:])
            ]
        except (ValueError, KeyError, TypeError, hyperscan.error):
            return None
        return cls(modes, dbs[0], dbs[1])


_CACHE_FORMAT = 1  # bump when the flags or the layout of the cache file change


def _cache_name(hyperscan: Any, expressions: list[bytes], wanted: list[str]) -> str:
    key = json.dumps([_CACHE_FORMAT, platform.machine(), [e.decode() for e in expressions], wanted])
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    return f"hyperscan-{hyperscan.__version__}-{digest}.db"


def _collect_id(pattern_id: int, start: int, end: int, flags: int, found: list[int]) -> None:
    found.append(pattern_id)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching ``[start, end]`` spans joined, in order."""
    spans.sort()
    out = [spans[0]]
    for start, end in spans[1:]:
        last_start, last_end = out[-1]
        if start <= last_end:
            if end > last_end:
                out[-1] = (last_start, end)
        else:
            out.append((start, end))
    return out


class _CharOffsets:
    """Byte offsets in ``data`` (``text`` as UTF-8) to string indices.

    Hyperscan reports offsets in increasing order of match end (starts nearby), so the last answer is
    remembered and the next one decodes only the bytes in between.
    """

    __slots__ = ("_byte", "_char", "_data", "_identity")

    def __init__(self, data: bytes, text: str) -> None:
        self._data = data
        self._identity = len(data) == len(text)  # ASCII: one byte per character
        self._byte = self._char = 0

    def of(self, offset: int) -> int:
        if self._identity:
            return offset
        data = self._data
        if offset >= self._byte:
            self._char += len(data[self._byte : offset].decode("utf-8"))
        else:
            self._char -= len(data[offset : self._byte].decode("utf-8"))
        self._byte = offset
        return self._char


_LOCATE, _PRESENCE = "locate", "presence"


def _flags(hyperscan: Any, mode: str) -> int:
    if mode == _LOCATE:  # every match, with its leftmost start; an expression matching "" is refused
        return int(hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SOM_LEFTMOST)
    return int(hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY)


def _compiled(hyperscan: Any, expressions: list[bytes], modes: list[str]) -> Any:
    """A block-mode database for ``expressions`` (ids are their positions), or ``None`` if one is refused."""
    if not expressions:
        return None
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        database.compile(
            expressions=expressions,
            ids=list(range(len(expressions))),
            elements=len(expressions),
            flags=[_flags(hyperscan, mode) for mode in modes],
        )
    except hyperscan.error:  # an expression it cannot handle in that mode
        log.debug("prefilter: %d expression(s) not compiled", len(expressions))
        return None
    return database


def _compilable_modes(hyperscan: Any, expressions: list[bytes], wanted: list[str]) -> list[str | None]:
    """The wanted mode of each expression, else presence only, else ``None`` (left to ``re`` entirely).

    All at once first; only when Hyperscan refuses the set are expressions tried one by one.
    """
    if not expressions or _compiled(hyperscan, expressions, wanted) is not None:
        return list(wanted)
    modes: list[str | None] = []
    for expression, mode in zip(expressions, wanted, strict=True):
        if mode == _LOCATE and _compiled(hyperscan, [expression], [_LOCATE]) is not None:
            modes.append(_LOCATE)
        elif _compiled(hyperscan, [expression], [_PRESENCE]) is not None:
            modes.append(_PRESENCE)
        else:
            modes.append(None)
    return modes


def build(regexes: Iterable[re.Pattern[str]]) -> Prefilter | None:
    """A prefilter for ``regexes``, or ``None`` where Hyperscan is not available."""
    try:
        return Prefilter(regexes)
    except ImportError:
        return None
