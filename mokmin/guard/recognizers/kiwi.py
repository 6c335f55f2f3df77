"""One shared Kiwi analyser, built on first use: construction takes about a second and a half.

Kiwi is by far the costliest step of detection (a few hundred microseconds for a twenty-character window),
so the analyses of recent windows are kept in a small bounded cache. Conversations are re-scanned with
every turn and documents repeat their names, so the same windows come back; the result for a window
depends only on its text, so a cached answer is exactly the answer Kiwi would give again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from mokmin.core.korean import analyser as shared_analyser

CACHE_WINDOWS = 4096


@dataclass(frozen=True, slots=True)
class Token:
    form: str
    tag: str
    start: int
    end: int


def analyser() -> Any:
    """The process-wide :class:`kiwipiepy.Kiwi` (shared with search and the drafting checker)."""
    return shared_analyser()


@lru_cache(maxsize=CACHE_WINDOWS)
def _tokens(text: str) -> tuple[Token, ...]:
    return tuple(Token(t.form, t.tag, t.start, t.start + t.len) for t in analyser().tokenize(text))


def tokenize(text: str) -> list[Token]:
    """Morphemes with offsets into ``text``."""
    return list(_tokens(text))


def clear_cache() -> None:
    """Forget cached analyses (benchmarks call this so that timings reflect unseen text)."""
    _tokens.cache_clear()
