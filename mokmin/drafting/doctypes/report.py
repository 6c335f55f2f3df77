"""보고서 (계획·결과·상황·검토, 개조식): title, 보고일·보고자 line, numbered headings, 개요·예산·일정·수치 by code;
the reasoning sections (배경, 세부 계획, 성과, 검토 의견 …) by the model in 개조식 (□ ○ -).

Skeletons: KOREAN_DOCUMENTS.md §5 (관행).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from mokmin.drafting import conventions as cv
from mokmin.drafting.doctypes.base import CodePart, DocType, Part, ProseSection, ProseSlot, meta
from mokmin.drafting.draft import Block
from mokmin.drafting.facts import Amount, ContactPerson, DocFacts, FactModel, Figure, require_order

ReportKind = Literal["계획", "결과", "상황", "검토"]


class BudgetLine(FactModel):
    """One line of 소요 예산."""

    label: str = Field(min_length=1, max_length=80, title="항목")
    amount: Amount


class ScheduleLine(FactModel):
    """One step of 추진 일정."""

    start: dt.date = Field(title="시작일")
    end: dt.date | None = Field(default=None, title="종료일")
    task: str = Field(min_length=1, max_length=120, title="할 일")

    @model_validator(mode="after")
    def _in_order(self) -> ScheduleLine:
        require_order(self.start, self.end, "시작일")
        return self


class ReportFacts(DocFacts):
    """Facts of a 개조식 report."""

    kind: ReportKind = Field(default="계획", title="보고서 종류")
    subject: str = Field(min_length=2, max_length=60, title="주제", examples=["시립도서관 야간 개방"])
    report_date: dt.date = Field(title="보고일")
    department: str = Field(min_length=1, max_length=40, title="보고 부서")
    reporter: ContactPerson = Field(title="보고자")
    purpose: str | None = Field(default=None, max_length=300, title="목적")
    start: dt.date | None = Field(default=None, title="시작일")
    end: dt.date | None = Field(default=None, title="종료일")
    as_of: dt.datetime | None = Field(default=None, title="기준 시각")
    place: str | None = Field(default=None, max_length=100, title="장소")
    target: str | None = Field(default=None, max_length=100, title="대상")
    content: list[str] = Field(default_factory=list, title="주요 내용")
    budget: list[BudgetLine] = Field(default_factory=list, title="소요 예산")
    schedule: list[ScheduleLine] = Field(default_factory=list, title="추진 일정")
    figures: list[Figure] = Field(default_factory=list, title="실적·수치")
    issues: list[str] = Field(default_factory=list, title="현황·쟁점")

    @model_validator(mode="after")
    def _period_in_order(self) -> ReportFacts:
        require_order(self.start, self.end, "시작일")
        return self


def _section(key: str, ko: str, en: str, fields: tuple[str, ...], what_ko: str, what_en: str) -> ProseSection:
    return ProseSection(
        key=key,
        title_ko=ko,
        title_en=en,
        fields=fields,
        instruction_ko=(
            f"보고서의 '{ko}' 항목을 개조식으로 2~4줄 쓰세요: {what_ko}. 각 줄은 ○로 시작하고 명사나 '~함/~임/~필요'로 "
            "끝내며(~다. 금지), 30자 안팎으로 씁니다."
        ),
        instruction_en=f"Write the '{en}' part of an internal report as 2 to 4 short bullet points: {what_en}.",
        style="bullets",
    )


_SECTIONS = (
    _section("background", "추진 배경", "Background", ("subject", "purpose", "issues"), "왜 하는지", "why"),
    _section(
        "details",
        "세부 계획",
        "Detailed plan",
        ("subject", "content", "target", "place"),
        "무엇을 어떻게",
        "what and how",
    ),
    _section(
        "assessment",
        "성과와 미흡점",
        "Achievements and shortfalls",
        ("subject", "figures", "issues"),
        "수치에 근거한 성과와 미흡한 점",
        "what worked and what did not, from the figures",
    ),
    _section(
        "outlook", "향후 계획", "Next steps", ("subject", "issues"), "다음에 할 일", "what happens next"
    ),
    _section(
        "status",
        "현황",
        "Current situation",
        ("subject", "as_of", "issues", "figures"),
        "지금 상황",
        "the situation",
    ),
    _section(
        "actions", "조치 사항", "Action taken", ("subject", "issues"), "취한 조치", "what has been done"
    ),
    _section(
        "opinion",
        "검토 의견",
        "Assessment",
        ("subject", "purpose", "issues", "figures"),
        "대안 비교와 의견",
        "options compared and a recommendation",
    ),
)

Content = str | Callable[[ReportFacts], list[str]]


def _overview(facts: ReportFacts) -> list[str]:
    lang = facts.lang
    lines: list[str] = []
    labels = {
        "period": ("기간", "Dates"),
        "place": ("장소", "Place"),
        "target": ("대상", "Who"),
        "content": ("내용", "What"),
    }
    pick = 0 if lang == "ko" else 1
    if facts.start is not None:
        period = (
            cv.format_period(facts.start, facts.end, weekday=True, language=lang)
            if facts.end and facts.end != facts.start
            else cv.format_date(facts.start, language=lang)
        )
        lines.append(f"{labels['period'][pick]}: {period}")
    if facts.place:
        lines.append(f"{labels['place'][pick]}: {facts.place}")
    if facts.target:
        lines.append(f"{labels['target'][pick]}: {facts.target}")
    if facts.content:
        lines.append(f"{labels['content'][pick]}: {', '.join(facts.content)}")
    return lines


def _budget(facts: ReportFacts) -> list[str]:
    if not facts.budget:
        return []
    total = sum(line.amount for line in facts.budget)
    head = "총" if facts.lang == "ko" else "Total"
    lines = [f"{head} {cv.format_amount(total, language=facts.lang)}"]
    lines += [
        f"  {line.label}: {cv.format_amount(line.amount, language=facts.lang)}" for line in facts.budget
    ]
    return lines


def _schedule(facts: ReportFacts) -> list[str]:
    lines = []
    for step in facts.schedule:
        when = (
            cv.format_period(step.start, step.end, weekday=True, language=facts.lang)
            if step.end and step.end != step.start
            else cv.format_date(step.start, language=facts.lang)
        )
        lines.append(f"{when}: {step.task}")
    return lines


def _figures(facts: ReportFacts) -> list[str]:
    return [f"{f.label}: {cv.format_number(f.value)}{f.unit}" for f in facts.figures]


_SKELETONS: dict[ReportKind, list[tuple[str, str, Content]]] = {
    "계획": [
        ("추진 배경", "Background", "background"),
        ("추진 개요", "Overview", _overview),
        ("세부 계획", "Detailed plan", "details"),
        ("소요 예산", "Budget", _budget),
        ("추진 일정", "Schedule", _schedule),
    ],
    "결과": [
        ("개요", "Overview", _overview),
        ("추진 결과", "Results", _figures),
        ("성과와 미흡점", "Achievements and shortfalls", "assessment"),
        ("향후 계획", "Next steps", "outlook"),
    ],
    "상황": [
        ("현황", "Current situation", "status"),
        ("주요 수치", "Figures", _figures),
        ("조치 사항", "Action taken", "actions"),
        ("향후 계획", "Next steps", "outlook"),
    ],
    "검토": [
        ("검토 배경", "Background", "background"),
        ("현황", "Current situation", _figures),
        ("검토 의견", "Assessment", "opinion"),
        ("향후 조치", "Next steps", "outlook"),
    ],
}

_TITLE_EN = {"계획": "plan", "결과": "results", "상황": "situation report", "검토": "review"}


class Report(DocType):
    """보고서 / internal report."""

    key = "report"
    name_ko = "보고서"
    name_en = "Report"
    facts_model = ReportFacts
    required_fields: ClassVar[dict[cv.Language, tuple[str, ...]]] = {"ko": ("보고",), "en": ()}
    sections = _SECTIONS

    @classmethod
    def title(cls, facts: object) -> str:
        assert isinstance(facts, ReportFacts)
        subject = facts.subject.removesuffix(facts.kind).removesuffix(" 보고").strip()
        if facts.lang == "en":
            return f"{subject}: {_TITLE_EN[facts.kind]}"
        return f"{subject} 계획 (보고)" if facts.kind == "계획" else f"{subject} {facts.kind} 보고"

    @classmethod
    def layout(cls, facts: object) -> list[Part]:
        assert isinstance(facts, ReportFacts)
        lang = facts.lang
        reporter = f"{facts.department} {facts.reporter.title} {facts.reporter.name}"
        head = [
            Block(kind="title", text=cls.title(facts), align="center"),
            meta(
                f"({cv.format_date(facts.report_date, language=lang)}, {reporter}, {facts.reporter.phone})",
                align="right",
            ),
        ]
        if facts.as_of is not None:
            label = "기준 시각" if lang == "ko" else "As of"
            head.append(meta(f"{label}: {cv.format_datetime(facts.as_of, language=lang)}", align="right"))
        parts: list[Part] = [CodePart("head", head)]
        number = 0
        for heading_ko, heading_en, content in _SKELETONS[facts.kind]:
            lines = [] if isinstance(content, str) else content(facts)
            if not isinstance(content, str) and not lines:
                continue  # a code section with no facts is left out rather than printed empty
            number += 1
            heading = Block(kind="heading", text=f"{number}. {heading_ko if lang == 'ko' else heading_en}")
            if isinstance(content, str):
                parts += [
                    CodePart(f"heading.{content}", [heading]),
                    ProseSlot(content, level=2 if lang == "ko" else 1),
                ]
            else:
                parts.append(CodePart(f"facts.{number}", [heading, *_bullets(lines, lang)]))
        return parts


def _bullets(lines: list[str], language: cv.Language) -> list[Block]:
    """``□`` for a line at the left, ``○`` for an indented one (English: ``-``)."""
    blocks = []
    for line in lines:
        sub = line.startswith("  ")
        marker = ("○" if sub else "□") if language == "ko" else ("  -" if sub else "-")
        text = f"  {marker} {line.strip()}" if sub and language == "ko" else f"{marker} {line.strip()}"
        blocks.append(Block(kind="item", text=text, level=2 if sub else 1))
    return blocks
