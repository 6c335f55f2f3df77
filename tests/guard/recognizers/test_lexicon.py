"""The word list that tells names from ordinary words, and its cache file."""

from pathlib import Path

import pytest

from mokmin.guard.recognizers import lexicon


def test_ordinary_words_are_in_and_names_are_not() -> None:
    words = lexicon.common_words()
    assert {"안전", "연락처", "시스템", "고객", "명단", "확인"} <= words
    assert not {"홍길동", "김영희", "이정란", "남궁민수"} & words
    assert all(len(w) >= 2 and all("가" <= c <= "힣" for c in w) for w in list(words)[:5000])


def test_the_cache_file_holds_exactly_the_dictionary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    built = lexicon._load()
    cached = lexicon._cache_file()
    assert cached.is_relative_to(tmp_path) and cached.exists()

    def no_dictionary() -> frozenset[str]:
        raise AssertionError("the cache should have been used")

    monkeypatch.setattr(lexicon, "_from_dictionary", no_dictionary)
    assert lexicon._load() == built == lexicon.common_words()


def test_an_unwritable_cache_costs_time_not_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert lexicon._load() == lexicon.common_words()
