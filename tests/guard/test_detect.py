import random
import time

import pytest

from mokmin.core.errors import MokminError
from mokmin.guard import DetectionFailed, detect
from mokmin.guard.detect import CHUNK_CHARS
from mokmin.guard.recognizers import Pattern, Recognizer, register, unregister
from mokmin.guard.spans import PiiType
from tests.guard.ids import rrn

HARD_NEGATIVES = """\
행정지원과-1234(2024. 3. 15.) 「개인정보 보호법」 제24조의2 및 같은 법 시행령 제19조제1항에 따라
예산 1,234,567원(38조 4000억원 중) 집행, 참석 1,588명, 제2025-1588호 공고.
회의 일시: 2024.03.15. 14:00, 장소: 시청 앞 광장 및 중앙로 일대, ○○동 일원.
버전 2.4.1.7 배포, 좌표 37.5665, 126.9780, ISBN 979-11-1234-567-8, 내선 1234.
서울특별시 관악구청, 김포시, 이천시 협의. 고객님께 안내, 안전 팀장 주재. 김○○ 주무관.
"""


def test_hard_negatives_untouched() -> None:
    assert detect(HARD_NEGATIVES) == []


def test_offsets_are_python_string_indices() -> None:
    text = "🙂 이메일 hong@korea.kr, 전화 010-1234-5678"
    spans = detect(text)
    assert [text[s.start : s.end] for s in spans] == ["hong@korea.kr", "010-1234-5678"]


def test_unknown_type_rejected() -> None:
    with pytest.raises(ValueError):
        detect("x", types={"NOPE"})


def test_detection_failed_is_a_503_mokmin_error() -> None:
    assert issubclass(DetectionFailed, MokminError)
    assert DetectionFailed("x").status == 503


def test_time_budget_fails_closed() -> None:
    with pytest.raises(DetectionFailed):
        detect("연락처 010-1234-5678 " * 50_000, timeout_s=0.0)


class _Broken(Recognizer):
    name = "test_broken"
    type = PiiType.IP
    patterns = (Pattern("x", __import__("re").compile("x"), 0.9),)

    def validate(self, value: str, pattern: Pattern, ctx: object) -> float | None:
        raise RuntimeError("bug")


def test_crashing_recognizer_fails_closed() -> None:
    register(_Broken())
    try:
        with pytest.raises(DetectionFailed):
            detect("xyz")
    finally:
        unregister("test_broken")


def test_identifiers_across_chunk_boundaries_are_found_once() -> None:
    number = rrn("900101123456")
    for shift in (-20, -7, -1, 0, 3):
        text = "가" * (CHUNK_CHARS + shift) + f" 주민번호 {number} " + "나" * 100
        spans = detect(text)
        assert [text[s.start : s.end] for s in spans] == [number]


def _timed(text: str) -> float:
    start = time.perf_counter()
    detect(text)
    return time.perf_counter() - start


@pytest.mark.parametrize(
    "name, text",
    [
        ("digits", "1" * 1_000_000),
        ("separators", "-" * 500_000 + "1-" * 250_000),
        ("dots", "1." * 500_000),
        ("colons", "a:" * 500_000),
        ("at signs", "a@" * 300_000 + "a." * 200_000),
        ("hangul runs", "가로" * 250_000 + "로 1" * 100_000),
        ("binary", bytes(random.Random(7).randrange(256) for _ in range(1_000_000)).decode("latin-1")),
    ],
)
def test_hostile_input_scans_in_bounded_time(name: str, text: str) -> None:
    assert _timed(text) < 10.0, name


def test_surrogates_and_controls_do_not_crash() -> None:
    text = "\ud800\x00 민원인 홍길동 씨 \udfff 010-1234-5678"
    assert {s.type for s in detect(text)} == {PiiType.PERSON, PiiType.PHONE}


def test_both_ways_of_finding_name_mentions_agree() -> None:
    from mokmin.guard.detect import FEW_NAMES, _korean_mentions, _mentions_by_word

    rng = random.Random(3)
    syllables = "김이박영희철수민지남궁정란가나다"
    for _ in range(200):
        names = {
            "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
            for _ in range(rng.randint(1, 12))
        }
        text = " ".join(
            "".join(rng.choice(syllables + "은는 ,") for _ in range(rng.randint(1, 7))) for _ in range(40)
        )
        assert len(names) <= FEW_NAMES
        found = list(_korean_mentions(text, names, float("inf")))
        assert found == sorted(_mentions_by_word(text, names, float("inf"))), (names, text)
