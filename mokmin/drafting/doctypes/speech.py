"""연설문·인사말씀: cover lines, 호칭·인사, 내빈 호명, 축원·맺음 (``감사합니다.``) by code; the meaning and the
당부·다짐 in between by the model, in 합쇼체 and sized for the ear (≈ 340 characters a minute).

Structure: KOREAN_DOCUMENTS.md §4; English: §8 (greeting, thanks, two or three messages, ``Thank you.``).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal

from pydantic import Field

from mokmin.drafting import conventions as cv
from mokmin.drafting.doctypes.base import CodePart, DocType, Part, ProseSection, ProseSlot, meta
from mokmin.drafting.draft import Block
from mokmin.drafting.facts import DocFacts, FactModel, Name

SpeechKind = Literal["개회사", "대회사", "기념사", "환영사", "축사", "격려사", "신년사", "인사말씀"]

KIND_EN: dict[str, str] = {
    "개회사": "Opening address",
    "대회사": "Opening address",
    "기념사": "Commemorative address",
    "환영사": "Welcome address",
    "축사": "Congratulatory address",
    "격려사": "Address of encouragement",
    "신년사": "New Year address",
    "인사말씀": "Remarks",
}
CHARS_PER_MINUTE = 340


class Guest(FactModel):
    """A guest the speaker names: 직함 and 성명 (``한도윤 의장님``)."""

    title: str = Field(min_length=1, max_length=40, title="직함")
    name: Name


class SpeechFacts(DocFacts):
    """Facts of a speech; the messages carry the only figures the speech may say."""

    kind: SpeechKind = Field(default="인사말씀", title="연설 종류")
    event_name: str = Field(min_length=2, max_length=80, title="행사명")
    event_start: dt.datetime = Field(title="행사 일시")
    place: str = Field(min_length=1, max_length=100, title="장소")
    speaker_title: str = Field(min_length=1, max_length=40, title="말씀하는 분 직함", examples=["한빛시장"])
    speaker_name: Name = Field(title="말씀하는 분 성명")
    audience: str = Field(default="시민 여러분", max_length=60, title="호칭")
    guests: list[Guest] = Field(default_factory=list, max_length=8, title="내빈")
    thanks_to: list[str] = Field(default_factory=list, max_length=5, title="감사할 곳")
    messages: list[str] = Field(min_length=1, max_length=3, title="전할 메시지")
    minutes: int = Field(default=3, ge=1, le=15, title="분량(분)")


class Speech(DocType):
    """연설문·인사말씀 / speech."""

    key = "speech"
    name_ko = "연설문"
    name_en = "Speech"
    facts_model = SpeechFacts
    required_fields: ClassVar[dict[cv.Language, tuple[str, ...]]] = {
        "ko": ("감사합니다.",),
        "en": ("Thank you.",),
    }
    sections = (
        ProseSection(
            key="meaning",
            title_ko="의미와 메시지",
            title_en="Messages",
            fields=("kind", "event_name", "messages", "minutes"),
            instruction_ko=(
                "연설문의 가운데 부분을 쓰세요: 오늘의 의미와 전할 메시지(메시지마다 사실 하나). 합쇼체, 청중 높임, "
                "'우리 시'라고 부르고, 한 호흡에 말할 수 있는 짧은 문장. 개조식·표·마크다운 금지. 인사와 맺음말은 쓰지 "
                "마세요(코드가 넣습니다)."
            ),
            instruction_en=(
                "Write the middle of the speech: why today matters and the two or three messages, one fact each. "
                "Short spoken sentences. No greeting and no closing; they are added."
            ),
            style="speech",
        ),
        ProseSection(
            key="pledge",
            title_ko="당부·다짐",
            title_en="Commitment",
            fields=("event_name", "audience"),
            instruction_ko="연설문의 당부·다짐 한 문단을 쓰세요('…하겠습니다', '…해 주시기 바랍니다'). 합쇼체, 2~3문장.",
            instruction_en="Write one short paragraph of commitment and request (2 or 3 sentences).",
            style="speech",
        ),
    )

    @classmethod
    def title(cls, facts: object) -> str:
        assert isinstance(facts, SpeechFacts)
        if facts.lang == "en":
            return f"{facts.event_name}: {KIND_EN[facts.kind].lower()}"
        return f"{facts.event_name} {facts.kind}"

    @classmethod
    def layout(cls, facts: object) -> list[Part]:
        assert isinstance(facts, SpeechFacts)
        return (
            _layout_en(cls.title(facts), facts) if facts.lang == "en" else _layout_ko(cls.title(facts), facts)
        )


def guest_line_ko(facts: SpeechFacts) -> str:
    """``한도윤 의장님, 오세라 교육장님을 비롯한 내빈 여러분, 함께해 주셔서 감사합니다.``"""
    names = ", ".join(f"{g.name} {g.title}님" for g in facts.guests)
    return f"{cv.josa(names, '을', '를')} 비롯한 내빈 여러분, 함께해 주셔서 감사합니다."


def _layout_ko(title: str, facts: SpeechFacts) -> list[Part]:
    head = [
        Block(kind="title", text=title, align="center"),
        meta(f"일시: {cv.format_datetime(facts.event_start)}", align="right"),
        meta(f"장소: {facts.place}", align="right"),
        meta(f"{facts.speaker_title} {facts.speaker_name}", align="right"),
    ]
    opening = [
        Block(kind="paragraph", text=f"존경하는 {facts.audience}, 안녕하십니까?"),
        Block(kind="paragraph", text=f"{facts.speaker_title} {facts.speaker_name}입니다."),
    ]
    if facts.guests:
        opening.append(Block(kind="paragraph", text=guest_line_ko(facts)))
    if facts.thanks_to:
        thanks = ", ".join(facts.thanks_to)
        opening.append(
            Block(kind="paragraph", text=f"행사를 준비해 주신 {thanks} 관계자 여러분의 노고에 감사드립니다.")
        )
    closing = [
        Block(kind="paragraph", text="여러분 모두 건강하시고 행복하시기를 기원합니다."),
        Block(kind="paragraph", text="감사합니다."),
    ]
    return [
        CodePart("head", head),
        CodePart("opening", opening),
        ProseSlot("meaning"),
        ProseSlot("pledge"),
        CodePart("closing", closing),
    ]


def _greeting_en(moment: dt.datetime) -> str:
    if moment.hour < 12:
        return "Good morning, everyone."
    return "Good afternoon, everyone." if moment.hour < 18 else "Good evening, everyone."


def _layout_en(title: str, facts: SpeechFacts) -> list[Part]:
    head = [
        Block(kind="title", text=title),
        meta(f"{cv.format_datetime(facts.event_start, language='en')}, {facts.place}"),
        meta(f"{facts.speaker_name}, {facts.speaker_title}"),
        meta("Original script, may differ from delivered version"),
    ]
    opening = [
        Block(kind="paragraph", text=_greeting_en(facts.event_start)),
        Block(kind="paragraph", text=f"I am {facts.speaker_name}, {facts.speaker_title}."),
    ]
    if facts.guests:
        names = ", ".join(f"{g.title} {g.name}" for g in facts.guests)
        opening.append(
            Block(kind="paragraph", text=f"I would like to thank {names} and all our guests for being here.")
        )
    closing = [Block(kind="paragraph", text="Thank you.")]
    return [
        CodePart("head", head),
        CodePart("opening", opening),
        ProseSlot("meaning"),
        ProseSlot("pledge"),
        CodePart("closing", closing),
    ]
