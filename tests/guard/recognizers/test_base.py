"""The shared scanning machinery: gates never hide a finding, memoised work equals fresh work."""

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.guard.dataset import build
from mokmin.guard.recognizers import recognizers
from mokmin.guard.recognizers.base import Pattern, Scan, cue_regex, find_context
from mokmin.guard.recognizers.normalize import fold, lower_ascii


class _Ungated(Scan):
    """A scan that runs every pattern, as if no gate existed."""

    def passes(self, pattern: Pattern) -> bool:
        return True


def _all_spans(scan: Scan) -> set[tuple[str, int, int, float]]:
    return {(s.type.value, s.start, s.end, s.score) for r in recognizers() for s in r.find(scan)}


_PIECES = [
    "010-1234-5678", "02) 123-4567", "900101-1234568", "900101-1******", "123-45-67890", "110111-1234567",
    "M12345678", "M123A4567", "11-12-123456-12", "서울 12-123456-12", "12345678901", "1-2345678901",
    "110-123-456789", "3333-01-1234567", "4111 1111 1111 1111", "1234-56**-****-3456", "12가 3456",
    "서울 123가 4567", "hong@korea.kr", "10.0.0.1", "2001:db8::1", "fe:ab::cd", "2001:db8:1:2:3:4:5:6", "fe80:0:1:2:3:4:5:6", "신림로 12", "우동 3-1",
    "지하 1", "산 12", "Teheran-ro 12", "12, Toegye-ro", "Mrs. Smith", "Kim Min-su", "저는 홍길동입니다",
    "주민번호", "연락처", "계좌", "카드", "여권", "운전면허", "건강보험", "ip", "IP", "차량", "주소", "법인", "가", "로",
    "동", "리", "길", "하", " ", "-", ".", ":", "*", "1", "12", "123", "1234", "٣", "１２３", "\u3000",
]  # fmt: skip


def _texts() -> list[str]:
    rng = random.Random(5)
    texts = [s.text for s in build(120, seed=3)]
    for _ in range(1500):
        texts.append("".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 12))))
    return [fold(t) for t in texts]


def test_gates_never_hide_a_finding() -> None:
    for text in _texts():
        assert _all_spans(Scan(text)) == _all_spans(_Ungated(text)), text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789abcdef -.:*xX@가로동리하산길M", max_size=60))
def test_gates_never_hide_a_finding_on_digit_soup(text: str) -> None:
    assert _all_spans(Scan(text)) == _all_spans(_Ungated(text))


def test_a_shared_pattern_runs_once_per_text() -> None:
    regex = re.compile(r"\d+")
    scan = Scan("a 12 b 345")
    first = scan.matches(regex)
    assert [m.group(0) for m in first] == ["12", "345"]
    assert scan.matches(regex) is first


def test_digit_runs_and_gates() -> None:
    scan = Scan("전화 02-1234-5678, 2024년")
    assert scan.has_run(4) and not scan.has_run(5)  # the longest run of digits is 4
    assert not scan.passes(Pattern("x", re.compile("x"), 0.5, min_run=5))
    assert scan.passes(Pattern("x", re.compile("x"), 0.5, min_run=4, gate=re.compile("년")))
    assert not scan.passes(Pattern("x", re.compile("x"), 0.5, gate=re.compile("월")))


_WORDS = ("주민번호", "ip", "연락처", "tel")
_ANTI = ("접수번호", "ver")


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet="주민번호접수연락처 IiPpTtEeLlVvRr0123456789-", max_size=80),
    st.integers(0, 80),
    st.integers(0, 10),
)
def test_cue_search_is_a_sound_shortcut_for_find_context(text: str, start: int, length: int) -> None:
    start = min(start, len(text))
    end = min(len(text), start + length)
    cues = cue_regex(_WORDS + _ANTI)
    assert cues is not None
    ctx = find_context(lower_ascii(text), start, end, _WORDS, _ANTI, 20, 8)
    if cues.search(text, max(0, start - 20), end + 8) is None:
        assert not ctx.positive and not ctx.negative


def test_cue_regex_ignores_words_that_could_never_match() -> None:
    assert cue_regex(("Tel",)) is None
    cues = cue_regex(("kb국민", "tel"))
    assert cues is not None and cues.search("KB국민 TEL") is not None
    assert cues.search("\u212ab국민") is None  # the Kelvin sign is not an ASCII K


def test_a_threshold_only_drops_spans_that_could_not_reach_it() -> None:
    """Skipping the context of a candidate no cue word could lift changes nothing the caller keeps."""
    texts = [fold(s.text) for s in build(300, seed=23)] + ["계좌 110-123-456789", "010-1234-5678 입금"]
    for text in texts:
        for threshold in (0.3, 0.5, 0.8):
            for recognizer in recognizers():
                every = [s for s in recognizer.find(Scan(text)) if s.score >= threshold]
                kept = [s for s in recognizer.find(Scan(text, threshold=threshold)) if s.score >= threshold]
                assert kept == every, (recognizer.name, text)


@given(st.text(alphabet="01234 ab٣", max_size=40), st.integers(1, 12))
def test_has_run_agrees_with_the_longest_run(text: str, length: int) -> None:
    longest = max(map(len, re.findall(r"\d+", text)), default=0)
    assert Scan(text).has_run(length) == (longest >= length)
