"""Ordinary Korean words, read from the Korean analyser's own dictionary, for telling names from words.

Deciding whether ``안전`` in ``안전 팀장`` or ``연락처`` in ``보호자 연락처`` is a name used to mean analysing a
window around every candidate with Kiwi: about 200 µs each, most of detection's time. The question is really
"is this candidate (or its start) an ordinary word?", which a set lookup answers in well under a microsecond.
The set is Kiwi's dictionary minus proper nouns and unknown-word entries: every common noun, adverb, verb stem,
determiner… of two or more Hangul syllables, about 90,000 forms.

Reading the dictionary takes a few seconds (one call per morpheme), so the word list is cached in a text file
per kiwipiepy and model version (``$XDG_CACHE_HOME/mokmin`` or ``~/.cache/mokmin``); the cache only ever holds
a copy of data that the installed packages already contain, and a missing or unwritable cache only costs time.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from mokmin.core import cache
from mokmin.core.korean import analyser

# Tags that do not make a candidate "an ordinary word": proper nouns (names live there), unknown forms, and
# non-Hangul classes. Everything else (NNG, NNB, NP, NR, MAG, MM, VV, VA, XR, IC …) does.
_NOT_WORDS = frozenset({"NNP", "UN", "SL", "SH", "SN", "SW", "SF", "SP", "SS", "SE", "SO", "SB"})
_HANGUL_WORD = re.compile("[가-힣]{2,}")
_FORMAT = 1  # bump when the selection rule above changes, so old cache files are not reused

_lock = threading.Lock()
_words: frozenset[str] | None = None


def common_words() -> frozenset[str]:
    """Hangul forms of two or more syllables that Kiwi knows as something other than a proper noun."""
    global _words
    if _words is None:
        with _lock:
            if _words is None:
                _words = _load()
    return _words


def _cache_file() -> Path:
    return cache.path(_cache_name())


def _cache_name() -> str:
    versions = "-".join(cache.version(name) for name in ("kiwipiepy", "kiwipiepy_model"))
    return f"kiwi-words-{versions}-v{_FORMAT}.txt"


def _load() -> frozenset[str]:
    name = _cache_name()
    stored = cache.read(name)
    if stored is not None:
        try:
            return frozenset(stored.decode("utf-8").split())
        except UnicodeDecodeError:
            pass
    words = _from_dictionary()
    cache.write(name, "\n".join(sorted(words)).encode("utf-8"))
    return words


def _from_dictionary() -> frozenset[str]:
    """Walk Kiwi's morpheme table (ids are dense from 0) and keep the ordinary words."""
    kiwi = analyser()
    words: set[str] = set()
    index = 0
    while True:
        try:
            morpheme = kiwi.morpheme(index)
        except (IndexError, ValueError, RuntimeError):
            break
        index += 1
        if morpheme.tag not in _NOT_WORDS and _HANGUL_WORD.fullmatch(morpheme.form):
            words.add(morpheme.form)
    return frozenset(words)
