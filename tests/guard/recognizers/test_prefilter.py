"""The Hyperscan prefilter only ever rules out patterns that cannot match, so findings never change."""

import itertools
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.guard.dataset import build
from mokmin.guard import detect
from mokmin.guard.recognizers import prefilter, recognizers, registry
from mokmin.guard.recognizers.base import Scan
from mokmin.guard.recognizers.normalize import fold
from mokmin.guard.recognizers.prefilter import LOCATE_FROM_BYTES, lookahead_reach, superset_expression
from tests.guard.recognizers.test_base import _all_spans, _texts, _Ungated

pytest.importorskip("hyperscan")


def _prefiltered(text: str) -> Scan:
    return Scan(text, impossible=registry.locate(text).impossible)


def test_every_builtin_pattern_is_covered() -> None:
    registry.warm()
    assert registry._prefilter is not None
    assert registry._prefilter.covered == {id(p.regex) for r in recognizers() for p in r.patterns}


def test_prefilter_never_hides_a_finding() -> None:
    for text in _texts():
        assert _all_spans(_prefiltered(text)) == _all_spans(_Ungated(text)), text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789abcdef -.:*xX@가로동리하산길M씨님팀장주무관민원인\n", max_size=60))
def test_prefilter_never_hides_a_finding_on_soup(text: str) -> None:
    text = fold(text)
    assert _all_spans(_prefiltered(text)) == _all_spans(_Ungated(text))


def test_prefilter_rules_out_most_patterns_of_an_ordinary_text() -> None:
    text = "전화 010-1234-5678로 문의 바랍니다."
    impossible = registry.locate(text).impossible
    runnable = [p.regex for r in recognizers() for p in r.patterns if id(p.regex) not in impossible]
    assert any(regex.search(text) for regex in runnable)
    assert len(impossible) > len(runnable)


def _short_texts() -> list[str]:
    return [s.text for s in build(300, seed=11)]


def _long_texts() -> list[str]:
    """Documents of twenty texts: long enough to be located, not only prefiltered."""
    samples = build(200, seed=17)
    texts = ["\n\n".join(s.text for s in samples[i : i + 20]) for i in range(0, len(samples), 20)]
    assert all(len(t.encode("utf-8")) >= LOCATE_FROM_BYTES for t in texts)
    return texts


@pytest.mark.parametrize("texts", [_short_texts, _long_texts], ids=["short", "long"])
def test_detection_is_the_same_with_and_without_the_prefilter(
    texts: Callable[[], list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = texts()
    with_prefilter = [detect(t) for t in corpus]
    monkeypatch.setattr(registry, "_prefilter", None)
    monkeypatch.setattr(registry, "_prefilter_built", True)
    assert [detect(t) for t in corpus] == with_prefilter


@pytest.mark.parametrize(
    "pattern, expression",
    [
        (r"(?<![0-9])\d{3}(?![0-9])", "(?:^|[^0-9])[0-9]{3}(?:[^0-9]|$)"),
        (r"(?<![0-9A-Z.\-])\d(?![0-9]|\.[0-9])", r"(?:^|[^0-9A-Z.\-])[0-9]"),
        (r"a(?<![0-9])b(?![0-9])c", "abc"),
        (r"(?P<name>[가-힣]{2})(?=[.,!\s]|$) ?님", "(?:[가-힣]{2}) ?님"),
        (r"[^\d\n]+\s{1,3}x", r"[^0-9\n]+[\s\S]{1,3}x"),
        (r"[]a]\(", r"[]a]\("),
        (r"(?:a|(?<!b))c", "(?:a|)c"),
    ],
)
def test_translation_keeps_edge_boundaries_and_drops_other_assertions(pattern: str, expression: str) -> None:
    assert superset_expression(re.compile(pattern)) == expression


@pytest.mark.parametrize("pattern", [r"(?i)abc", r"\bword\b", r"(a)\1", r"\w+", r"[\s]x", r"(?P=x)"])
def test_untranslatable_patterns_are_left_to_re(pattern: str) -> None:
    flags = re.IGNORECASE if pattern == "(?i)abc" else 0
    try:
        regex = re.compile(pattern, flags)
    except re.error:
        return
    assert superset_expression(regex) is None


def _located(text: str) -> Scan:
    location = registry.locate(text)
    return Scan(text, impossible=location.impossible, windows=location.windows)


def _long(pieces: list[str]) -> str:
    """Join ``pieces`` until the text is long enough to be located rather than only prefiltered."""
    text = ""
    while len(text.encode("utf-8")) < LOCATE_FROM_BYTES:
        text += "\n\n".join(pieces) + "\n\n"
    return fold(text)


def test_long_texts_get_windows_for_the_patterns_that_may_match() -> None:
    text = _long(["전화 010-1234-5678로 문의 바랍니다.", "담당 김영희 주무관"])
    location = registry.locate(text)
    assert location.windows, "a long text with numbers should be located"
    for key, windows in location.windows.items():
        assert key not in location.impossible
        assert windows == sorted(windows)
        assert all(lo <= hi < next_lo for (lo, hi), (next_lo, _) in itertools.pairwise(windows))


def test_windowed_matches_equal_finditer_for_every_pattern() -> None:
    samples = build(120, seed=5)
    for start in range(0, len(samples), 12):
        text = _long([s.text for s in samples[start : start + 12]])
        scan = _located(text)
        for regex in {id(p.regex): p.regex for r in recognizers() for p in r.patterns}.values():
            got = [m.span() for m in scan.matches(regex)] if id(regex) not in scan.impossible else []
            assert got == [m.span() for m in regex.finditer(text)], regex.pattern


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.text(alphabet="0123456789abcdef -.:*xX@가로동리하산길M씨님팀장주무관민원인김이박\n", max_size=80),
        min_size=1,
        max_size=40,
    )
)
def test_windowed_search_equals_re_on_soup(pieces: list[str]) -> None:
    text = _long(pieces)
    scan = _located(text)
    for regex in {id(p.regex): p.regex for r in recognizers() for p in r.patterns}.values():
        if id(regex) in scan.impossible:
            assert regex.search(text) is None, regex.pattern
            continue
        assert [m.span() for m in scan.matches(regex)] == [m.span() for m in regex.finditer(text)]
        for pos in (0, len(text) // 3, len(text) // 2):
            expected = regex.search(text, pos)
            found = scan.search(regex, pos)
            assert (found and found.span()) == (expected and expected.span()), regex.pattern


def test_a_window_cut_never_invents_or_hides_a_match() -> None:
    """The search is cut just after a window; lookaheads there still see the text that follows."""
    regex = re.compile(r"(?<![0-9])\d{3}-\d{4}(?![0-9]|-[0-9])")
    text = "x" * 10 + "123-4567-8" + "y" * 10 + "234-5678" + "z"
    scan = Scan(text, windows={id(regex): [(10, 18), (30, 38)]})  # "123-4567" is followed by "-8"
    assert [m.group(0) for m in scan.matches(regex)] == ["234-5678"]
    found = scan.search(regex, 0)
    assert found is not None and found.start() == 30


@pytest.mark.parametrize(
    "pattern, reach",
    [
        (r"\d{3}", 0),
        (r"(?<![0-9])\d(?![0-9])", 1),
        (r"\d(?![0-9]|\.[0-9])", 2),
        (r"\w(?=[.,!\s]|$)", None),  # \w is not translated at all
        (r"[가-힣](?=[.,!\s]|$)", 1),
        (r"\d(?!\s*번지)", None),  # a repeat inside a lookahead: unbounded
        (r"\d(?=(?:ab))", None),
    ],
)
def test_lookahead_reach(pattern: str, reach: int | None) -> None:
    assert lookahead_reach(re.compile(pattern)) == reach


def test_long_repeats_are_opened_up_for_hyperscan() -> None:
    assert superset_expression(re.compile(r"[a-z]{0,62}@")) == "[a-z]{0,}@"
    assert superset_expression(re.compile(r"[a-z]{2,8}@")) == "[a-z]{2,8}@"


def test_compiled_databases_are_cached_and_a_damaged_cache_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    regexes = [p.regex for r in recognizers() for p in r.patterns]
    text = fold("\n\n".join(s.text for s in build(20, seed=3)))
    built = prefilter.Prefilter(regexes)
    files = list((tmp_path / "mokmin").glob("hyperscan-*.db"))
    assert len(files) == 1

    def no_compiling(*args: object) -> object:
        raise AssertionError("the cached databases should have been used")

    with monkeypatch.context() as patched:
        patched.setattr(prefilter._Databases, "build", no_compiling)
        loaded = prefilter.Prefilter(regexes)
    assert loaded.located == built.located
    assert loaded.locate(text) == built.locate(text)
    assert loaded.locate(text[:200]) == built.locate(text[:200])

    files[0].write_bytes(b'{"modes": [], "sizes": [1, 2]}\nxyz')
    rebuilt = prefilter.Prefilter(regexes)
    assert rebuilt.locate(text) == built.locate(text)
