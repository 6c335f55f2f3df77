"""보도자료 (press release): head with 보도 시점·배포 일시·사진·contacts by code; lead and body by the model.

Korean form: KOREAN_DOCUMENTS.md §3 (정책브리핑 practice). English form: §8 (GOV.UK press release).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from mokmin.drafting import conventions as cv
from mokmin.drafting.doctypes.base import CodePart, DocType, Part, ProseSection, ProseSlot, meta
from mokmin.drafting.draft import Block
from mokmin.drafting.facts import Attachment, ContactPerson, DocFacts, Figure, Name, Quote, require_order


class PressReleaseFacts(DocFacts):
    """Everything a press release may state; nothing else will appear in it."""

    head_title: str = Field(min_length=1, max_length=20, title="기관장 직함", examples=["시장"])
    head_name: Name = Field(title="기관장 성명", examples=["윤서진"])
    title: str = Field(min_length=5, max_length=60, title="제목")
    subtitles: list[str] = Field(default_factory=list, max_length=3, title="부제목")
    distributed_at: dt.datetime = Field(title="배포 일시")
    embargo: dt.datetime | None = Field(
        default=None, title="보도 시점(엠바고)", description="없으면 배포 즉시"
    )
    edition: Literal["조간", "석간"] | None = Field(default=None, title="조간·석간")
    photos: int = Field(default=0, ge=0, le=50, title="사진 매수")
    department: str = Field(min_length=1, max_length=40, title="담당 부서")
    responsible: ContactPerson = Field(title="책임자")
    staff: list[ContactPerson] = Field(min_length=1, max_length=4, title="담당자")
    event: str = Field(min_length=1, max_length=300, title="핵심 사실", description="누가 무엇을 하는가")
    event_start: dt.datetime | None = Field(default=None, title="행사 일시")
    event_end: dt.datetime | None = Field(default=None, title="행사 종료 일시")
    place: str | None = Field(default=None, max_length=100, title="장소")
    figures: list[Figure] = Field(default_factory=list, title="수치")
    quotes: list[Quote] = Field(default_factory=list, max_length=2, title="인용")
    background: list[str] = Field(default_factory=list, title="배경 사실")
    attachments: list[Attachment] = Field(default_factory=list, title="붙임")

    @field_validator("title")
    @classmethod
    def _one_line_title(cls, value: str) -> str:
        if "\n" in value or value.endswith(".") or "!" in value or "?" in value:
            raise ValueError("제목은 한 줄로, 마침표·느낌표·물음표 없이 적습니다.")
        return value

    @model_validator(mode="after")
    def _times_in_order(self) -> PressReleaseFacts:
        require_order(self.event_start, self.event_end, "행사 일시")
        if self.embargo is not None and self.embargo < self.distributed_at:
            raise ValueError("보도 시점(embargo)이 배포 일시보다 앞섭니다. 엠바고는 배포 뒤의 시점입니다.")
        return self


_FACTS_LEAD = ("organisation", "head_title", "head_name", "event", "event_start", "place", "distributed_at")
_FACTS_BODY = ("organisation", "event", "event_start", "event_end", "place", "figures", "background")


class PressRelease(DocType):
    """보도자료 / press release."""

    key = "press_release"
    name_ko = "보도자료"
    name_en = "Press release"
    facts_model = PressReleaseFacts
    required_fields: ClassVar[dict[cv.Language, tuple[str, ...]]] = {
        "ko": ("보도자료", "보도 시점", "배포 일시", "담당 부서", "담당자"),
        "en": ("Press release", "Media enquiries"),
    }
    sections = (
        ProseSection(
            key="lead",
            title_ko="리드",
            title_en="Summary",
            fields=_FACTS_LEAD,
            instruction_ko=(
                "보도자료의 첫 문단(리드)을 한 문장으로 쓰세요. '기관(기관장 성명)은 언제 무엇을 한다고 밝혔다' 꼴, "
                "기사체(~했다/~밝혔다), 60자 안팎. 최초·최대 같은 과장은 쓰지 마세요."
            ),
            instruction_en=(
                "Write the one-sentence summary of a GOV.UK press release (at most 140 characters): who, what, "
                "when. Plain English, active voice."
            ),
        ),
        ProseSection(
            key="body",
            title_ko="본문",
            title_en="Body",
            fields=_FACTS_BODY,
            instruction_ko=(
                "리드 다음의 본문을 역피라미드로 2~4문단 쓰세요. 문단식, 짧은 문장(60자 안팎), 기사체. 사실에 있는 "
                "수치만 쓰고, 인용문은 쓰지 마세요(코드가 넣습니다)."
            ),
            instruction_en=(
                "Write the body of the press release in 2 to 4 short paragraphs, most important first. Use only "
                "the figures in the facts. Do not write quotes; they are added from the facts."
            ),
        ),
    )

    @classmethod
    def title(cls, facts: object) -> str:
        assert isinstance(facts, PressReleaseFacts)
        return facts.title

    @classmethod
    def layout(cls, facts: object) -> list[Part]:
        assert isinstance(facts, PressReleaseFacts)
        if facts.lang == "en":
            return _layout_en(facts)
        title = [Block(kind="title", text=facts.title, align="center")]
        title += [Block(kind="subtitle", text=f"- {sub} -", align="center") for sub in facts.subtitles]
        return [
            CodePart("head", _head_ko(facts)),
            CodePart("title", title),
            ProseSlot("lead"),
            ProseSlot("body"),
            CodePart("quotes", [Block(kind="quote", text=_quote_ko(q)) for q in facts.quotes]),
            CodePart("attachments", _attachment_blocks(facts, "ko")),
        ]


def release_line_ko(facts: PressReleaseFacts) -> str:
    """``보도 시점  2026. 12. 2.(수) 11:00 이후 (엠바고)``, ``… 조간`` or ``배포 즉시``."""
    if facts.embargo is None:
        return "보도 시점  배포 즉시"
    if facts.edition is not None:
        return f"보도 시점  {cv.format_date(facts.embargo.date())} {facts.edition}"
    return f"보도 시점  {cv.format_datetime(facts.embargo)} 이후 (엠바고)"


def _head_ko(facts: PressReleaseFacts) -> list[Block]:
    photos = f"사진 있음({facts.photos}매)" if facts.photos else "사진 없음"
    rows = cv.press_contact_rows(
        facts.department, facts.responsible.as_contact(), [p.as_contact() for p in facts.staff]
    )
    return [
        Block(kind="letterhead", text="보도자료", align="center"),
        meta(release_line_ko(facts)),
        meta(f"배포 일시  {cv.format_datetime(facts.distributed_at)}"),
        meta(photos),
        Block(kind="table", rows=rows),
    ]


def _quote_ko(quote: Quote) -> str:
    """``윤서진 한빛시장은 "…"라고 말했다.`` — the user's words, quoted exactly."""
    text = quote.text.strip().strip('"“”')
    return f'{quote.speaker_name} {cv.josa(quote.speaker_title, "은", "는")} "{text}"라고 말했다.'


def _quote_en(quote: Quote) -> str:
    """``"…," said Mayor Yoon Seo-jin.`` (GOV.UK)."""
    text = quote.text.strip().strip('"“”').rstrip(".")
    return f'"{text}," said {quote.speaker_title} {quote.speaker_name}.'


def _attachment_blocks(facts: PressReleaseFacts, language: cv.Language) -> list[Block]:
    lines = cv.render_attachments(facts.attachments, end_mark=False, language=language)
    return [Block(kind="attachment", text=line) for line in lines]


def _layout_en(facts: PressReleaseFacts) -> list[Part]:
    if facts.embargo is None:
        release = "For immediate release"
    else:
        moment = facts.embargo
        release = f"EMBARGOED UNTIL {moment:%H:%M} {cv.format_date(moment.date(), language='en')}"
    head = [
        Block(kind="letterhead", text="Press release", align="center"),
        meta(release),
        meta(f"Issued: {cv.format_datetime(facts.distributed_at, language='en')}"),
        Block(kind="title", text=facts.title),
    ]
    notes = cv.render_items([cv.Item(text=fact) for fact in facts.background])
    media = [Block(kind="heading", text="Media enquiries"), meta(facts.department)]
    media += [
        meta(cv.contact_label(p.as_contact(), language="en")) for p in [facts.responsible, *facts.staff]
    ]
    closing: list[Block] = []
    if notes:
        closing = [Block(kind="heading", text="Notes to editors")]
        closing += [Block(kind="item", text=line, level=1) for line in notes]
    return [
        CodePart("head", head),
        ProseSlot("lead"),
        ProseSlot("body"),
        CodePart("quotes", [Block(kind="quote", text=_quote_en(q)) for q in facts.quotes]),
        CodePart("notes", closing),
        CodePart("attachments", _attachment_blocks(facts, "en")),
        CodePart("contacts", media),
    ]
