"""Length-preserving normalisation, so matching sees ``010-1234`` while spans keep original offsets.

Only one-to-one character replacements are allowed here: NFKC would change lengths (and offsets) and is
therefore not used.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache

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
    for code in range(0xD800, 0xE000):  # lone surrogates (from bad decoding) break UTF-8 encoding
        table[code] = 0xFFFD
    # ٣, ३, 𝟑 …: every decimal digit is a digit. All of Unicode's sit below U+20000.
    beyond_ascii = "".join(map(chr, range(0x80, 0xD800))) + "".join(map(chr, range(0xE000, 0x20000)))
    for match in re.finditer(r"\d", beyond_ascii):
        table.setdefault(ord(match.group(0)), ord("0") + unicodedata.decimal(match.group(0)))
    return table


def _ranges(codes: list[int]) -> Iterator[str]:
    """``a-z``-style class items for sorted code points (a class of 2,800 single characters compiles slowly)."""
    start = prev = codes[0]
    for code in [*codes[1:], -1]:
        if code != prev + 1:
            yield re.escape(chr(start)) + ("" if prev == start else "-" + re.escape(chr(prev)))
            start = code
        prev = code


@cache
def _folding() -> tuple[dict[int, int], re.Pattern[str]]:
    """The translation table and one search that says whether it is needed (built on first use: ~20 ms)."""
    table = _build_table()
    # Beyond the BMP a class of ranges is searched range by range (eight times slower): any character there
    # (an emoji, a mathematical digit) sends the text to ``translate``, which knows which ones to fold.
    bmp = sorted(code for code in table if code <= 0xFFFF)
    return table, re.compile("[" + "".join(_ranges(bmp)) + "\U00010000-\U0010ffff]")


def fold(text: str) -> str:
    """Fold full-width ASCII, other digits, Unicode dashes and odd spaces; ``len(fold(t)) == len(t)`` always.

    After folding, ``\\d`` and ``[0-9]`` match the same characters, which the prefilter relies on.
    """
    table, foldable = _folding()
    if foldable.search(text) is None:
        return text
    # A dash here and there is replaced where it stands; ``translate`` looks up every character of the text
    # (40 ns each), which only pays when there are many. Folding twice changes nothing, so it may finish.
    folded, count = foldable.subn(_fold_one, text, count=_FEW)
    return folded.translate(table) if count == _FEW else folded


_FEW = 32


def _fold_one(match: re.Match[str]) -> str:
    char = match.group()
    return chr(_folding()[0].get(ord(char), ord(char)))


_NOT_DIGITS = re.compile("[^0-9]+")


def digits(text: str) -> str:
    """Only the ASCII digits of ``text`` (after folding), for checksums."""
    return _NOT_DIGITS.sub("", text)


def lower_ascii(text: str) -> str:
    """Lower-case ASCII only; ``str.lower`` can change lengths (``İ``) and so break offsets.

    ``bytes.lower`` touches only the bytes A–Z, and in UTF-8 every byte of a non-ASCII character is ≥ 0x80,
    so the round trip lower-cases exactly the ASCII letters (ten times faster than ``str.translate``).
    """
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


def words(spec: str) -> tuple[str, ...]:
    """Whitespace-separated word list; ``_`` stands for a space inside a phrase (``사는_곳``)."""
    return tuple(word.replace("_", " ") for word in spec.split())
