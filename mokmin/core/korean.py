"""One Korean morphological analyser per process.

kiwipiepy's ``Kiwi`` takes about a second and ~100 MB to load; the guard (names), the knowledge base
(search tokens) and the drafting checker (proper nouns) share this one instead of loading three.
"""

from __future__ import annotations

import threading
from typing import Any

_lock = threading.Lock()
_kiwi: Any = None


def analyser() -> Any:
    """The shared :class:`kiwipiepy.Kiwi`, built on first use (thread-safe); never mutate it."""
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi  # heavy import, kept off every module's import path

                _kiwi = Kiwi()
    return _kiwi
