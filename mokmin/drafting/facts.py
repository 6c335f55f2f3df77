"""Building blocks shared by the facts of every document type, and the Korean explanation of refused facts.

Facts are what the clerk types into the form. They are checked here, before any drafting, so that an
impossible fact (31 February, an end before its start, a phone number in the wrong form, an amount that is not a
number) is refused with the field named and the reason given, instead of turning into a wrong document.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import types
import typing
from typing import Annotated, Any, Literal, TypeVar, Union

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from mokmin.drafting.conventions import Attachment, Contact, Language
from mokmin.drafting.errors import FactsInvalid, FieldProblem

__all__ = [
    "Amount",
    "Attachment",
    "DocFacts",
    "Figure",
    "Person",
    "Phone",
    "Quote",
    "parse_facts",
    "require_order",
]

# 지역번호(02, 031–064), 인터넷전화 070, 080, 안심번호 050x, 이동전화 010·011·016–019, 대표번호 15xx–19xx.
_PHONE = re.compile(
    r"^(?:0(?:2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70|80|50[2-8]?|1[016-9])-\d{3,4}-\d{4}|1[5-9]\d{2}-\d{4})$"
)


def _check_phone(value: str) -> str:
    value = value.strip()
    if not _PHONE.match(value):
        raise PydanticCustomError(
            "phone_format",
            "전화번호 형식이 아닙니다: '{value}'. 044-000-2510처럼 지역번호-국번-번호를 붙임표(-)로 적으세요.",
            {"value": value},
        )
    return value


def _parse_amount(value: object) -> object:
    """Accept ``113560``, ``"113,560"``, ``"113,560원"``, ``"금113,560원"``; refuse anything that is not a number."""
    if isinstance(value, bool):
        raise PydanticCustomError("amount_not_number", "금액이 숫자가 아닙니다.")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip().removeprefix("금").removesuffix("원").replace(",", "").strip()
        if text.isdigit():
            return int(text)
    raise PydanticCustomError(
        "amount_not_number",
        "금액이 숫자가 아닙니다: '{value}'. 113560 또는 113,560처럼 원 단위 숫자로 적으세요.",
        {"value": str(value)},
    )


def _check_name(value: str) -> str:
    if any(ch.isdigit() for ch in value):
        raise PydanticCustomError("name_digits", "이름에 숫자가 들어 있습니다: '{value}'.", {"value": value})
    return value


Phone = Annotated[str, AfterValidator(_check_phone), Field(title="전화번호", examples=["044-000-2510"])]
Amount = Annotated[int, BeforeValidator(_parse_amount), Field(ge=0, title="금액(원)")]
Name = Annotated[str, Field(min_length=1, max_length=40, title="성명"), AfterValidator(_check_name)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


class FactModel(BaseModel):
    """Strict base: unknown keys are refused (a typo in FACTS.json must not vanish silently)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Person(FactModel):
    """A named official: 직위(직급) and 성명, with a phone when the document prints one."""

    title: str = Field(min_length=1, max_length=40, title="직위")
    name: Name
    phone: Phone | None = None

    def describe(self, language: Language = "ko") -> str:
        """``과장 오민석`` (with the phone in brackets when there is one)."""
        who = f"{self.name}, {self.title}" if language == "en" else f"{self.title} {self.name}"
        return f"{who} ({self.phone})" if self.phone else who

    def as_contact(self) -> Contact:
        """The contact-block view; callers ensure a phone is present."""
        return Contact(title=self.title, name=self.name, phone=self.phone or "")


class ContactPerson(Person):
    """A person whose phone the document must print (보도자료 책임자·담당자)."""

    phone: Phone


class Figure(FactModel):
    """A number the document may state: label, value, unit (``방문객``, ``1284``, ``명``)."""

    label: str = Field(min_length=1, max_length=80, title="항목")
    value: Annotated[float, Field(title="값")]
    unit: str = Field(default="", max_length=10, title="단위")

    def describe(self, language: Language = "ko") -> str:
        """``장서 120,000권``."""
        value = f"{int(self.value):,}" if self.value.is_integer() else f"{self.value:,}"
        return (
            f"{self.label} {value}{self.unit}"
            if language == "ko"
            else f"{self.label}: {value} {self.unit}".rstrip()
        )


class Quote(FactModel):
    """The speaker's own words; the draft quotes them, it never invents them."""

    speaker_title: str = Field(min_length=1, max_length=40, title="말한 사람 직함")
    speaker_name: Name
    text: Text = Field(title="인용문")

    def describe(self, language: Language = "ko") -> str:
        """``한빛시장 윤서진: "…"``."""
        return f'{self.speaker_title} {self.speaker_name}: "{self.text}"'


class DocFacts(FactModel):
    """Fields every document type has."""

    language: Literal["ko", "en"] = Field(default="ko", title="언어", description="ko 또는 en")
    organisation: str = Field(min_length=1, max_length=80, title="기관명", examples=["한빛시"])

    @property
    def lang(self) -> Language:
        """The language as the conventions module spells it."""
        return self.language


def require_order(
    start: dt.date | dt.datetime | None, end: dt.date | dt.datetime | None, start_label: str
) -> None:
    """Refuse an end before its start, naming the start field so the clerk knows which pair is wrong."""
    if start is None or end is None:
        return
    if end < start:
        raise PydanticCustomError(
            "end_before_start",
            "끝이 시작({start_label}) 전입니다: {end} < {start}.",
            {"start_label": start_label, "end": str(end), "start": str(start)},
        )


# --- explaining refusals ---------------------------------------------------------------------------------

F = TypeVar("F", bound=BaseModel)


def parse_facts(model: type[F], data: object) -> F:
    """Validate *data* into *model*; on failure raise :class:`FactsInvalid` naming every field and why."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise FactsInvalid([_problem(model, error) for error in exc.errors()]) from exc


def _problem(model: type[BaseModel], error: Any) -> FieldProblem:
    loc = tuple(error.get("loc", ()))
    return FieldProblem(
        field=".".join(str(part) for part in loc) or "(전체)",
        label=_label(model, loc),
        message=_message(error),
    )


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    if typing.get_origin(annotation) in (Union, types.UnionType, list, tuple, Annotated) or typing.get_args(
        annotation
    ):
        for arg in typing.get_args(annotation):
            found.extend(_models_in(arg))
    return found


def _label(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    """``담당자 2 › 전화번호`` from ``("staff", 1, "phone")`` using each field's title."""
    parts: list[str] = []
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int):
            if parts:
                parts[-1] = f"{parts[-1]} {part + 1}"
            continue
        info = current.model_fields.get(str(part)) if current is not None else None
        if info is None:
            parts.append(str(part))
            current = None
            continue
        parts.append(info.title or str(part))
        nested = _models_in(info.annotation)
        current = nested[0] if nested else None
    return " › ".join(parts) or "(전체)"


_MESSAGES = {
    "missing": "값을 입력하세요.",
    "extra_forbidden": "이 문서 종류에 없는 항목입니다.",
    "int_parsing": "정수가 아닙니다.",
    "float_parsing": "숫자가 아닙니다.",
    "bool_parsing": "예/아니요(true/false)로 적으세요.",
    "string_type": "글자로 적으세요.",
    "list_type": "목록으로 적으세요.",
    "time_parsing": "시각 형식이 아닙니다(예: 14:00).",
}


def _message(error: Any) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if "parsing" in kind and kind.startswith(("date", "datetime")):
        return _date_message(error.get("input"), str(ctx.get("error", "")))
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind == "string_too_long":
        return f"{ctx.get('max_length')}자 이하로 적으세요."
    if kind == "string_too_short":
        return (
            "값을 입력하세요." if ctx.get("min_length") == 1 else f"{ctx.get('min_length')}자 이상 적으세요."
        )
    if kind in ("greater_than_equal", "greater_than"):
        return f"{ctx.get('ge', ctx.get('gt'))} 이상이어야 합니다."
    if kind in ("less_than_equal", "less_than"):
        return f"{ctx.get('le', ctx.get('lt'))} 이하여야 합니다."
    if kind == "too_long":
        return f"{ctx.get('max_length')}개까지 적을 수 있습니다."
    if kind == "too_short":
        return f"{ctx.get('min_length')}개 이상 적으세요."
    if kind == "literal_error":
        return f"다음 중 하나여야 합니다: {ctx.get('expected')}."
    return str(error.get("msg", "")).removeprefix("Value error, ")


_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")


def _date_message(value: object, reason: str) -> str:
    """Say which day does not exist (``2026년 2월은 28일까지 있습니다``) rather than a parser's English."""
    match = _YMD.match(str(value)) if value is not None else None
    if match and "day value" in reason:
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            last = calendar.monthrange(year, month)[1]
            return f"없는 날짜입니다: {value}. {year}년 {month}월은 {last}일까지 있습니다."
    if match and "month value" in reason:
        return f"없는 날짜입니다: {value}. 월은 1–12입니다."
    return f"날짜 형식이 아닙니다: {value}. 2026-11-25(시각은 2026-11-25T14:00)처럼 적으세요."
