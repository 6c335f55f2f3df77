"""One shared Kiwi analyser, built on first use: construction takes about a second and a half."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

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


def tokenize(text: str) -> list[Token]:
    """Morphemes with offsets into ``text``."""
    return [Token(t.form, t.tag, t.start, t.start + t.len) for t in analyser().tokenize(text)]
