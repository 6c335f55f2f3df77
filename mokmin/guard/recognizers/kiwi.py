"""One shared Kiwi analyser, built on first use: construction takes about a second and a half.

Kiwi is by far the costliest step of detection (a few hundred microseconds for a twenty-character window),
so the analyses of recent windows are kept in a small bounded cache. Conversations are re-scanned with
every turn and documents repeat their names, so the same windows come back; the result for a window
depends only on its text, so a cached answer is exactly the answer Kiwi would give again.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

CACHE_WINDOWS = 4096

_lock = threading.Lock()
_kiwi: Any = None


@dataclass(frozen=True, slots=True)
class Token:
    form: str
    tag: str
    start: int
    end: int


def analyser() -> Any:
    """The process-wide :class:`kiwipiepy.Kiwi`; thread-safe lazy construction."""
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi  # heavy import, kept off the module import path

                _kiwi = Kiwi()
    return _kiwi


@lru_cache(maxsize=CACHE_WINDOWS)
def _tokens(text: str) -> tuple[Token, ...]:
    return tuple(Token(t.form, t.tag, t.start, t.start + t.len) for t in analyser().tokenize(text))


def tokenize(text: str) -> list[Token]:
    """Morphemes with offsets into ``text``."""
    return list(_tokens(text))


def clear_cache() -> None:
    """Forget cached analyses (benchmarks call this so that timings reflect unseen text)."""
    _tokens.cache_clear()
