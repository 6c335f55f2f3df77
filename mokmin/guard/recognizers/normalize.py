"""Length-preserving normalisation, so matching sees ``010-1234`` while spans keep original offsets.

Only one-to-one character replacements are allowed here: NFKC would change lengths (and offsets) and is
therefore not used.
"""

from __future__ import annotations

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u30fc\u2500"
_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"


def _build_table() -> dict[int, int]:
    table: dict[int, int] = {}
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII block
        table[code] = code - 0xFEE0
    for ch in _DASHES:
        table[ord(ch)] = ord("-")
    for ch in _SPACES:
        table[ord(ch)] = ord(" ")
    table[ord("\t")] = ord(" ")
    for code in range(0xD800, 0xE000):  # lone surrogates (from bad decoding) break Kiwi's UTF-8 encoding
        table[code] = 0xFFFD
    return table


_TABLE = _build_table()


def fold(text: str) -> str:
    """Fold full-width ASCII, Unicode dashes and odd spaces; ``len(fold(t)) == len(t)`` always."""
    return text.translate(_TABLE)


def digits(text: str) -> str:
    """Only the ASCII digits of ``text`` (after folding), for checksums."""
    return "".join(ch for ch in text if "0" <= ch <= "9")


_ASCII_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}


def lower_ascii(text: str) -> str:
    """Lower-case ASCII only; ``str.lower`` can change lengths (``İ``) and so break offsets."""
    return text.translate(_ASCII_LOWER)


def words(spec: str) -> tuple[str, ...]:
    """Whitespace-separated word list; ``_`` stands for a space inside a phrase (``사는_곳``)."""
    return tuple(word.replace("_", " ") for word in spec.split())
