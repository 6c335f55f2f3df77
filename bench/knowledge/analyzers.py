"""Analyzers for the benchmark: part-of-speech variants over one shared Kiwi cache, so comparing tag sets
costs one morphological analysis per distinct text, and a per-sentence cache for the 100k-chunk build."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from mokmin.knowledge.tokenize import KEEP_TAGS, STOP_FORMS, kiwi

Morphemes = list[tuple[str, str]]
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n")


@dataclass
class MorphemeCache:
    """Kiwi output per text (or per sentence, when ``by_sentence``), computed once."""

    by_sentence: bool = False
    entries: dict[str, Morphemes] = field(default_factory=dict)

    def _analyse(self, texts: list[str]) -> None:
        missing = [text for text in dict.fromkeys(texts) if text not in self.entries]
        for text, tokens in zip(missing, kiwi().tokenize(missing), strict=True):
            self.entries[text] = [(token.form, token.tag) for token in tokens]

    def morphemes_many(self, texts: Sequence[str]) -> list[Morphemes]:
        if not self.by_sentence:
            self._analyse(list(texts))
            return [self.entries[text] for text in texts]
        pieces = [[part for part in _SENTENCE.split(text) if part.strip()] for text in texts]
        self._analyse([part for parts in pieces for part in parts])
        return [[m for part in parts for m in self.entries[part]] for parts in pieces]


@dataclass(frozen=True)
class TagSetAnalyzer:
    """KoreanAnalyzer's filtering over cached morphemes, with the tag set and stop forms as parameters."""

    name: str
    cache: MorphemeCache
    keep_tags: frozenset[str] = KEEP_TAGS
    stop_forms: frozenset[str] = STOP_FORMS

    def _terms(self, morphemes: Morphemes) -> list[str]:
        return [
            form.lower() for form, tag in morphemes if tag in self.keep_tags and form not in self.stop_forms
        ]

    def index_terms(self, text: str) -> str:
        return self.index_terms_many([text])[0]

    def index_terms_many(self, texts: Sequence[str]) -> list[str]:
        return [" ".join(self._terms(m)) for m in self.cache.morphemes_many(texts)]

    def query_terms(self, text: str) -> list[str]:
        return list(dict.fromkeys(self._terms(self.cache.morphemes_many([text])[0])))


NOUNS = frozenset({"NNG", "NNP", "NNB", "NR", "SN", "SL", "SH", "XR"})
VARIANTS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "nouns only": (NOUNS, STOP_FORMS),
    "nouns + verb/adjective stems (shipped)": (KEEP_TAGS, STOP_FORMS),
    "shipped, no stop forms": (KEEP_TAGS, frozenset()),
    "+ adverbs, determiners, suffixes": (
        KEEP_TAGS | {"MAG", "MM", "XSN", "XSV", "XSA", "XPN", "VX"},
        STOP_FORMS,
    ),
}
