"""The Hyperscan prefilter only ever rules out patterns that cannot match, so findings never change."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.guard.dataset import build
from mokmin.guard import detect
from mokmin.guard.recognizers import recognizers, registry
from mokmin.guard.recognizers.base import Scan
from mokmin.guard.recognizers.normalize import fold
from mokmin.guard.recognizers.prefilter import superset_expression
from tests.guard.recognizers.test_base import _all_spans, _texts, _Ungated

pytest.importorskip("hyperscan")


def _prefiltered(text: str) -> Scan:
    return Scan(text, impossible=registry.impossible_patterns(text))


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
    impossible = registry.impossible_patterns(text)
    runnable = [p.regex for r in recognizers() for p in r.patterns if id(p.regex) not in impossible]
    assert any(regex.search(text) for regex in runnable)
    assert len(impossible) > len(runnable)


def test_detection_is_the_same_with_and_without_the_prefilter(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [s.text for s in build(300, seed=11)]
    with_prefilter = [detect(t) for t in texts]
    monkeypatch.setattr(registry, "_prefilter", None)
    monkeypatch.setattr(registry, "_prefilter_built", True)
    assert [detect(t) for t in texts] == with_prefilter


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
