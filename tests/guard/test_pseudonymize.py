import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mokmin.guard import Pseudonymizer, detect, mask, redact
from tests.guard.ids import brn, luhn, rrn

PII = [
    "홍길동 씨",
    "김영희 주무관",
    rrn("900101123456"),
    "010-1234-5678",
    "01012345678",
    "hong@korea.kr",
    brn("220810123"),
    "-".join(luhn("941012345678901")[i : i + 4] for i in range(0, 16, 4)),
    "12가 3456",
    "서울특별시 관악구 신림로 123",
    "192.168.0.15",
]
FILLER = st.text(alphabet=st.sampled_from(list("가나다 라마,.()-[]_0123456789\n개인전화")), max_size=12)
DOCS = st.lists(st.one_of(FILLER, st.sampled_from(PII)), max_size=8).map(" ".join)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_same_value_same_placeholder_across_messages() -> None:
    p = Pseudonymizer()
    out = p.pseudonymize("민원인 홍길동 씨 010-1234-5678, 다시 010-1234-5678. 홍길동 드림")
    assert out == "민원인 [개인_1] 씨 [전화_1], 다시 [전화_1]. [개인_1] 드림"
    assert p.pseudonymize("김영희 주무관, 연락처 010-9999-8888") == "[개인_2] 주무관, 연락처 [전화_2]"
    assert p.pseudonymize("홍길동 씨 다시 문의") == "[개인_1] 씨 다시 문의"
    assert p.restore("[개인_1]님과 [개인_2]님, [전화_2]") == "홍길동님과 김영희님, 010-9999-8888"
    assert p.mapping["[전화_1]"] == "010-1234-5678"


def test_differently_written_numbers_restore_exactly() -> None:
    p = Pseudonymizer()
    text = "01012345678 또는 010-1234-5678"
    assert p.pseudonymize(text) == "[전화_1] 또는 [전화_2]"


def test_unknown_placeholders_are_left_alone() -> None:
    p = Pseudonymizer()
    assert p.restore("[개인_7] and [전화_1]") == "[개인_7] and [전화_1]"


def test_literal_placeholder_in_input_is_not_reused() -> None:
    p = Pseudonymizer()
    text = "[전화_1] 표기는 예시, 실제 010-1234-5678"
    out = p.pseudonymize(text)
    assert "[전화_2]" in out
    assert p.restore(out) == text


@SETTINGS
@given(DOCS)
def test_pseudonymize_then_restore_is_identity(text: str) -> None:
    p = Pseudonymizer()
    assert p.restore(p.pseudonymize(text)) == text


@SETTINGS
@given(st.text(max_size=200))
def test_restore_identity_on_arbitrary_text(text: str) -> None:
    p = Pseudonymizer()
    assert p.restore(p.pseudonymize(text)) == text


@SETTINGS
@given(DOCS)
def test_no_detected_span_survives_masking(text: str) -> None:
    spans = detect(text)
    masked = mask(text, spans)
    assert len(masked) == len(text)
    for span in spans:
        assert all(ch in "*- ." for ch in masked[span.start : span.end])
    again = detect(masked)
    assert not any(a.overlaps(s) for a in again for s in spans)


def test_redact_uses_type_labels() -> None:
    text = "전화 010-1234-5678"
    assert redact(text, detect(text)) == "전화 [전화]"


def _answer() -> tuple[Pseudonymizer, str, str]:
    p = Pseudonymizer()
    pseudo = p.pseudonymize("민원인 홍길동 씨, 주민번호 " + rrn("900101123456") + ", hong@korea.kr")
    answer = "[개인_1]님 안내: [주민번호_1] 확인. [이메일_1]로 회신 [없음_1] [개인_ 끝 [ [전화"
    assert "[개인_1]" in pseudo
    return p, answer, p.restore(answer)


def test_stream_restore_every_two_way_split() -> None:
    p, answer, expected = _answer()
    for cut in range(len(answer) + 1):
        r = p.restorer()
        assert r.feed(answer[:cut]) + r.feed(answer[cut:]) + r.flush() == expected


def test_stream_restore_every_three_way_split() -> None:
    p, answer, _ = _answer()
    short = answer[:40]
    want = p.restore(short)
    for a, b in itertools.combinations(range(len(short) + 1), 2):
        r = p.restorer()
        assert r.feed(short[:a]) + r.feed(short[a:b]) + r.feed(short[b:]) + r.flush() == want


def test_stream_restore_character_by_character_emits_early() -> None:
    p, answer, expected = _answer()
    r = p.restorer()
    pieces = [r.feed(ch) for ch in answer]
    assert "".join(pieces) + r.flush() == expected
    assert pieces[0] == ""  # "[" is held back …
    assert "홍길동" in "".join(pieces[:9])  # … and released as soon as the placeholder closes


@SETTINGS
@given(st.lists(st.integers(min_value=0, max_value=80), max_size=6))
def test_stream_restore_random_splits(cuts: list[int]) -> None:
    p, answer, expected = _answer()
    r = p.restorer()
    out, pos = [], 0
    for cut in sorted(cuts):
        out.append(r.feed(answer[pos:cut]))
        pos = max(pos, cut)
    out.append(r.feed(answer[pos:]))
    assert "".join(out) + r.flush() == expected
