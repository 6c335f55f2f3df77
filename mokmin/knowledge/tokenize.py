"""Korean text to index terms: kiwipiepy morphemes, keeping the parts of speech that carry meaning.

Korean glues particles and endings to words (주차장은, 주차장에서, 주차장을), so splitting on spaces gives a
different "word" for each case and BM25 never matches them. Kiwi splits 주차장에서 into 주차장/NNG + 에서/JKB;
we index the content morphemes and drop particles, endings and punctuation. Which tags to keep was measured
on the benchmark (``python -m bench.knowledge``, 78 questions, 1,000 chunks): whitespace terms reach
recall@5 0.47; nouns, numbers, foreign words and roots 0.83; adding verb and adjective stems (shipped) 0.85
with the best recall@10 (0.91); adding adverbs, determiners and suffixes gains nothing more on recall and
makes every query touch more of the index. Dropping the stop forms below costs 2.5 points of recall@5.

One Kiwi instance (model load ~2 s, ~100 MB) is built lazily on first use and shared: it is a read-only
analyser, not state, so sharing it across threads and requests is safe.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from mokmin.core.korean import analyser

# Nouns (general, proper, bound), numerals, foreign words, hanja, roots, verb/adjective stems.
KEEP_TAGS: frozenset[str] = frozenset({"NNG", "NNP", "NNB", "NR", "SN", "SL", "SH", "XR", "VV", "VA"})
# Bound nouns and verb stems that appear in nearly every passage (있다: 2 of 3 chunks in the benchmark corpus):
# they blur the ranking and make every query touch most of the index.
STOP_FORMS: frozenset[str] = frozenset(
    {"수", "것", "등", "및", "때", "중", "바", "데", "적", "있", "없", "하", "되", "않", "같"}
)


def kiwi() -> Any:
    """The process-wide analyser (shared with the guard and the drafting checker)."""
    return analyser()


class Analyzer(Protocol):
    """Turns text into the space-separated terms stored in the index, and a query into its terms."""

    @property
    def name(self) -> str: ...

    def index_terms(self, text: str) -> str: ...

    def index_terms_many(self, texts: Sequence[str]) -> list[str]: ...

    def query_terms(self, text: str) -> list[str]: ...


def _unique(terms: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(terms))


@dataclass(frozen=True, slots=True)
class KoreanAnalyzer:
    """Morpheme terms from kiwipiepy, filtered by part of speech."""

    keep_tags: frozenset[str] = KEEP_TAGS
    stop_forms: frozenset[str] = STOP_FORMS
    name: str = "korean"

    def _terms(self, tokens: Iterable[Any]) -> list[str]:
        return [
            token.form.lower()
            for token in tokens
            if token.tag in self.keep_tags and token.form not in self.stop_forms
        ]

    def index_terms(self, text: str) -> str:
        return " ".join(self._terms(kiwi().tokenize(text)))

    def index_terms_many(self, texts: Sequence[str]) -> list[str]:
        return [" ".join(self._terms(tokens)) for tokens in kiwi().tokenize(list(texts))]

    def query_terms(self, text: str) -> list[str]:
        return _unique(self._terms(kiwi().tokenize(text)))


@dataclass(frozen=True, slots=True)
class WhitespaceAnalyzer:
    """The baseline: eojeol (space-separated words) as terms, as a generic full-text engine would do."""

    name: str = "whitespace"

    def index_terms(self, text: str) -> str:
        return " ".join(self.query_terms_all(text))

    def index_terms_many(self, texts: Sequence[str]) -> list[str]:
        return [self.index_terms(text) for text in texts]

    @staticmethod
    def query_terms_all(text: str) -> list[str]:
        cleaned = "".join(ch if ch.isalnum() else " " for ch in text.lower())
        return cleaned.split()

    def query_terms(self, text: str) -> list[str]:
        return _unique(self.query_terms_all(text))


DEFAULT_ANALYZER: Analyzer = KoreanAnalyzer()
