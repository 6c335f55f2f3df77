"""회의록 (internal minutes, 개조식): 회의 개요, 안건, 발언 요지 given as facts, 결정·표결, 향후 조치 by code; a
summary of the discussion from the clerk's notes by the model.

Required contents: 공공기록물 관리에 관한 법률 시행령 제18조 (KOREAN_DOCUMENTS.md §6). English: §8.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from pydantic import Field, model_validator

from mokmin.drafting import conventions as cv
from mokmin.drafting.doctypes.base import CodePart, DocType, Part, ProseSection, ProseSlot
from mokmin.drafting.draft import Block
from mokmin.drafting.facts import DocFacts, FactModel, Name, require_order


class Attendee(FactModel):
    """A person at the meeting (or absent from it)."""

    title: str = Field(min_length=1, max_length=40, title="직위")
    name: Name
    affiliation: str | None = Field(default=None, max_length=60, title="소속")

    def describe(self, language: cv.Language = "ko") -> str:
        """``디지털정책과장 강태오`` / ``Kang Tae-o, Director``."""
        who = f"{self.name}, {self.title}" if language == "en" else f"{self.title} {self.name}"
        return f"{who} ({self.affiliation})" if self.affiliation else who


class Statement(FactModel):
    """One line of 발언 요지: who said what."""

    speaker_title: str = Field(min_length=1, max_length=40, title="발언자 직위")
    speaker_name: Name
    summary: str = Field(min_length=1, max_length=300, title="요지")


class Vote(FactModel):
    """A recorded vote on one agenda item."""

    item: str = Field(min_length=1, max_length=120, title="안건")
    yes: int = Field(ge=0, title="찬성")
    no: int = Field(ge=0, title="반대")
    abstain: int = Field(default=0, ge=0, title="기권")
    result: str = Field(min_length=1, max_length=20, title="결과", examples=["원안 가결"])


class Action(FactModel):
    """A follow-up with an owner and a deadline."""

    task: str = Field(min_length=1, max_length=200, title="할 일")
    owner: str = Field(min_length=1, max_length=60, title="담당")
    due: dt.date = Field(title="기한")


class MinutesFacts(DocFacts):
    """Facts of a meeting record."""

    meeting_name: str = Field(min_length=2, max_length=80, title="회의 명칭")
    department: str = Field(min_length=1, max_length=60, title="개최 부서")
    start: dt.datetime = Field(title="시작 일시")
    end: dt.datetime | None = Field(default=None, title="종료 일시")
    place: str = Field(min_length=1, max_length=100, title="장소")
    chair: Attendee | None = Field(default=None, title="주재")
    attendees: list[Attendee] = Field(min_length=1, title="참석자")
    absentees: list[Attendee] = Field(default_factory=list, title="불참자")
    agenda: list[str] = Field(min_length=1, title="상정 안건")
    statements: list[Statement] = Field(default_factory=list, title="발언 요지")
    decisions: list[str] = Field(default_factory=list, title="결정 사항")
    votes: list[Vote] = Field(default_factory=list, title="표결")
    actions: list[Action] = Field(default_factory=list, title="향후 조치")

    @model_validator(mode="after")
    def _consistent(self) -> MinutesFacts:
        require_order(self.start, self.end, "시작 일시")
        present = len(self.attendees) + (1 if self.chair else 0)
        for vote in self.votes:
            if vote.yes + vote.no + vote.abstain > present:
                raise ValueError(
                    f"표결(votes) '{vote.item}'의 표 수({vote.yes + vote.no + vote.abstain})가 "
                    f"참석자 수({present})보다 많습니다."
                )
        return self


class Minutes(DocType):
    """회의록 / minutes."""

    key = "minutes"
    name_ko = "회의록"
    name_en = "Minutes"
    facts_model = MinutesFacts
    required_fields: ClassVar[dict[cv.Language, tuple[str, ...]]] = {
        "ko": ("일시", "장소", "참석자"),
        "en": ("Date", "Venue", "Attendees"),
    }
    sections = (
        ProseSection(
            key="discussion",
            title_ko="논의 내용",
            title_en="Discussion",
            fields=("meeting_name", "agenda"),
            instruction_ko=(
                "메모를 바탕으로 회의의 주요 논의를 개조식으로 2~5줄 정리하세요. 각 줄은 ○로 시작하고 명사나 "
                "'~함/~임'으로 끝냅니다. 메모에 없는 발언·수치·이름은 쓰지 마세요."
            ),
            instruction_en="Summarise the discussion from the notes in 2 to 5 short bullet points.",
            style="bullets",
        ),
    )

    @classmethod
    def title(cls, facts: object) -> str:
        assert isinstance(facts, MinutesFacts)
        return f"Minutes: {facts.meeting_name}" if facts.lang == "en" else f"{facts.meeting_name} 회의록"

    @classmethod
    def layout(cls, facts: object) -> list[Part]:
        assert isinstance(facts, MinutesFacts)
        return _layout(cls.title(facts), facts)


def when_text(facts: MinutesFacts) -> str:
    """``2026. 11. 26.(목) 10:00~11:40``."""
    if facts.end is None:
        return cv.format_datetime(facts.start, language=facts.lang)
    return cv.format_time_range(facts.start, facts.end, language=facts.lang)


def _labels(ko: bool) -> dict[str, str]:
    keys = (
        "overview",
        "when",
        "place",
        "chair",
        "attendees",
        "absent",
        "agenda",
        "said",
        "decided",
        "actions",
    )
    ko_words = (
        "회의 개요",
        "일시",
        "장소",
        "주재",
        "참석자",
        "불참",
        "상정 안건",
        "주요 발언 요지",
        "결정 사항",
        "향후 조치",
    )
    en_words = (
        "Meeting",
        "Date",
        "Venue",
        "Chair",
        "Attendees",
        "Apologies",
        "Agenda",
        "Discussion",
        "Decisions",
        "Actions",
    )
    return dict(zip(keys, ko_words if ko else en_words, strict=True))


def _layout(title: str, facts: MinutesFacts) -> list[Part]:
    ko = facts.lang == "ko"
    words = _labels(ko)
    top, sub = ("□", "  ○") if ko else ("", "-")

    def heading(word: str) -> Block:
        return Block(kind="heading", text=f"{top} {word}".strip())

    def line(text: str) -> Block:
        return Block(kind="item", text=f"{sub} {text}", level=2 if ko else 1)

    people = ("; " if facts.lang == "en" else ", ").join(a.describe(facts.lang) for a in facts.attendees)
    count = f"총 {len(facts.attendees)}명({people})" if ko else people
    overview = [heading(words["overview"]), line(f"{words['when']}: {when_text(facts)}")]
    overview += [line(f"{words['place']}: {facts.place}")]
    if facts.chair:
        overview.append(line(f"{words['chair']}: {facts.chair.describe(facts.lang)}"))
    overview.append(line(f"{words['attendees']}: {count}"))
    if facts.absentees:
        overview.append(
            line(f"{words['absent']}: {', '.join(a.describe(facts.lang) for a in facts.absentees)}")
        )
    # 안건 are numbered 1. 2. …; a single 안건 takes no number (편람: a lone item has no symbol).
    indent = "  " if ko else ""
    agenda_lines = [line.strip() for line in cv.render_items([cv.Item(text=item) for item in facts.agenda])]
    agenda = [heading(words["agenda"])] + [
        Block(kind="item", text=f"{indent}{line}", level=2 if ko else 1) for line in agenda_lines
    ]
    said = [heading(words["said"])] + [
        line(f"{s.speaker_title} {s.speaker_name}: {s.summary}") for s in facts.statements
    ]
    decided = [line(d) for d in facts.decisions] + [line(_vote_text(v, ko)) for v in facts.votes]
    actions = [line(_action_text(a, facts.lang)) for a in facts.actions]
    parts: list[Part] = [
        CodePart("head", [Block(kind="title", text=title, align="center"), *overview]),
        CodePart("agenda", agenda),
        CodePart("statements", said),
        ProseSlot("discussion", level=2),
    ]
    if decided:
        parts.append(CodePart("decisions", [heading(words["decided"]), *decided]))
    if actions:
        parts.append(CodePart("actions", [heading(words["actions"]), *actions]))
    return parts


def _vote_text(vote: Vote, ko: bool) -> str:
    if ko:
        return f"{vote.item}: 찬성 {vote.yes}명, 반대 {vote.no}명, 기권 {vote.abstain}명으로 {vote.result}"
    return f"{vote.item}: {vote.yes} for, {vote.no} against, {vote.abstain} abstentions ({vote.result})"


def _action_text(action: Action, language: cv.Language) -> str:
    due = cv.format_date(action.due, language=language)
    if language == "en":
        return f"{action.task} (owner: {action.owner}, by {due})"
    return f"{action.task} (담당: {action.owner}, 기한: {due})"
