import re
from collections.abc import Iterator

from mokmin.guard import PiiType, Span, detect
from mokmin.guard.recognizers import Context, Pattern, Recognizer, recognizers, register, unregister


def test_every_type_has_a_builtin_recognizer() -> None:
    assert {r.type for r in recognizers()} == set(PiiType)


class _Employee(Recognizer):
    name = "test_employee_no"
    type = PiiType.PERSON
    patterns = (Pattern("emp", re.compile(r"EMP-\d{4}"), 0.9),)

    def validate(self, value: str, pattern: Pattern, ctx: Context) -> float | None:
        return None if value.endswith("0000") else pattern.score


def test_a_new_recognizer_is_one_class_and_one_register_call() -> None:
    register(_Employee())
    try:
        text = "사번 EMP-1234 및 EMP-0000"
        assert [(s.start, s.end) for s in detect(text, types={"PERSON"})] == [(3, 11)]
    finally:
        unregister("test_employee_no")
    assert detect("사번 EMP-1234", types={"PERSON"}) == []


def test_filter_by_type() -> None:
    only: Iterator[Recognizer] = iter(recognizers(frozenset({PiiType.EMAIL})))
    assert [r.type for r in only] == [PiiType.EMAIL]
    spans = detect("hong@korea.kr 010-1234-5678", types={"PHONE"})
    assert [s.type for s in spans] == [PiiType.PHONE]
    assert isinstance(spans[0], Span)
