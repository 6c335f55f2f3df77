"""공문 (기안문·시행문, 내부결재, 민원 회신): 두문·제목·관련·세부 사항·붙임·끝.·결문 by code; the main paragraph, the
restated complaint and the request by the model, each placed after the item number code assigns.

Form: 별지 제1호서식 (규칙 §4), KOREAN_DOCUMENTS.md §2. English: §8 (letters).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from mokmin.drafting import conventions as cv
from mokmin.drafting.doctypes.base import (
    CodePart,
    DocType,
    EndMark,
    Part,
    ProseSection,
    ProseSlot,
    items,
    meta,
)
from mokmin.drafting.draft import Block
from mokmin.drafting.facts import Amount, Attachment, DocFacts, FactModel, Name, Person, Phone

LetterKind = Literal["시행문", "내부결재", "민원회신"]


class RelatedDoc(FactModel):
    """A document this one answers or follows: ``도로관리과-4812(2026. 11. 20.)``."""

    number: str = Field(pattern=r"^\S+-\d+$", max_length=60, title="문서번호", examples=["도로관리과-4812"])
    date: dt.date = Field(title="문서 날짜")


class Detail(FactModel):
    """A ``가.`` line: a label with a text value, or an amount written in the 공문 form."""

    label: str = Field(min_length=1, max_length=60, title="항목")
    value: str | None = Field(default=None, max_length=300, title="내용")
    amount: Amount | None = Field(default=None, title="금액(원)")

    @model_validator(mode="after")
    def _has_value(self) -> Detail:
        if self.value is None and self.amount is None:
            raise ValueError("내용(value)이나 금액(amount) 중 하나는 적어야 합니다.")
        return self


class Signer(FactModel):
    """One box of the 결재선: 직위, 성명 (optional), and whether it is 전결."""

    title: str = Field(min_length=1, max_length=40, title="직위")
    name: Name | None = Field(default=None, title="성명")
    delegated: bool = Field(default=False, title="전결")


class LetterFacts(DocFacts):
    """Facts of an official letter."""

    kind: LetterKind = Field(default="시행문", title="문서 종류")
    recipients: list[str] = Field(default_factory=list, max_length=30, title="수신")
    via: str | None = Field(default=None, max_length=60, title="경유")
    salutation: str | None = Field(default=None, max_length=60, title="영문 호칭", examples=["Mayor Grant"])
    title: str = Field(min_length=2, max_length=80, title="제목")
    related: list[RelatedDoc] = Field(default_factory=list, title="관련 문서")
    complaint_summary: str | None = Field(default=None, max_length=500, title="민원 요지")
    points: list[str] = Field(min_length=1, title="전할 내용")
    details: list[Detail] = Field(default_factory=list, title="세부 사항")
    legal_basis: list[str] = Field(default_factory=list, title="근거 법령")
    request: str | None = Field(default=None, max_length=300, title="요청 사항")
    attachments: list[Attachment] = Field(default_factory=list, title="붙임")
    sender: str | None = Field(default=None, max_length=40, title="발신명의", examples=["한빛시장"])
    department: str = Field(min_length=1, max_length=40, title="처리과")
    drafter: Person = Field(title="기안자")
    approvals: list[Signer] = Field(min_length=1, max_length=6, title="결재선")
    doc_number: str = Field(
        pattern=r"^\S+-\d+$", max_length=60, title="시행 문서번호", examples=["도로관리과-4821"]
    )
    enforce_date: dt.date = Field(title="시행일")
    postcode: str = Field(pattern=r"^\d{5}$", title="우편번호")
    address: str = Field(min_length=1, max_length=120, title="주소")
    homepage: str | None = Field(default=None, max_length=100, title="홈페이지")
    phone: Phone = Field(title="전화번호")
    fax: Phone | None = Field(default=None, title="전송")
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", title="담당자 전자우편")
    disclosure: Literal["공개", "부분공개", "비공개"] = Field(default="공개", title="공개 구분")
    disclosure_ground: int | None = Field(
        default=None, ge=1, le=8, title="비공개 근거(정보공개법 제9조제1항 각 호)"
    )

    @model_validator(mode="after")
    def _consistent(self) -> LetterFacts:
        internal = self.kind == "내부결재"
        if internal and (self.recipients or self.sender):
            raise ValueError("내부결재 문서에는 수신(recipients)과 발신명의(sender)를 두지 않습니다.")
        if not internal and not self.recipients:
            raise ValueError("수신(recipients)을 적으세요. 내부 보고라면 문서 종류를 내부결재로 고르세요.")
        if not internal and not self.sender:
            raise ValueError("발신명의(sender)를 적으세요(예: 한빛시장).")
        if self.disclosure != "공개" and self.disclosure_ground is None:
            raise ValueError("부분공개·비공개에는 근거 호수(disclosure_ground, 1–8)를 적으세요.")
        if self.kind == "민원회신" and not self.complaint_summary:
            raise ValueError("민원 회신에는 민원 요지(complaint_summary)를 적으세요.")
        return self


class Letter(DocType):
    """공문 / official letter."""

    key = "letter"
    name_ko = "공문"
    name_en = "Letter"
    facts_model = LetterFacts
    required_fields: ClassVar[dict[cv.Language, tuple[str, ...]]] = {
        "ko": ("수신", "제목", "시행"),
        "en": ("Dear",),
    }
    sections = (
        ProseSection(
            key="summary",
            title_ko="민원 요지",
            title_en="Your request",
            fields=("complaint_summary",),
            instruction_ko="민원 회신의 한 항목으로, 민원인이 요청한 내용을 한 문장으로 정리하세요(하십시오체).",
            instruction_en="Restate in one sentence what the person asked for.",
            style="numbered",
        ),
        ProseSection(
            key="main",
            title_ko="본문",
            title_en="Main text",
            fields=("title", "points", "legal_basis"),
            instruction_ko=(
                "공문 본문의 한 항목을 1~2문장으로 쓰세요. 하십시오체로 '…을 다음과 같이 알려 드립니다.'처럼 끝내고, "
                "'~할 것', '~바람', 금일·익일·별첨 같은 말은 쓰지 마세요. 세부 사항·번호는 쓰지 마세요."
            ),
            instruction_en="Write the main paragraph of the letter: its purpose in the first sentence, plain English.",
            style="numbered",
        ),
        ProseSection(
            key="request",
            title_ko="요청",
            title_en="Request",
            fields=("request",),
            instruction_ko="공문의 마지막 항목으로 요청 사항을 한 문장으로 쓰세요('…하여 주시기 바랍니다').",
            instruction_en="Write one sentence asking the reader to act on the request.",
            style="numbered",
        ),
    )

    @classmethod
    def title(cls, facts: object) -> str:
        assert isinstance(facts, LetterFacts)
        return facts.title

    @classmethod
    def layout(cls, facts: object) -> list[Part]:
        assert isinstance(facts, LetterFacts)
        return _layout_en(facts) if facts.lang == "en" else _layout_ko(facts)


def related_lines(related: list[RelatedDoc]) -> list[str]:
    """``관련: 도로관리과-4812(2026. 11. 20.)``; several go under ``가.`` ``나.`` in date order."""

    def one(doc: RelatedDoc) -> str:
        return f"{doc.number}({cv.format_date(doc.date, weekday=False)})"

    ordered = sorted(related, key=lambda doc: doc.date)
    if len(ordered) == 1:
        return [f"관련: {one(ordered[0])}"]
    return ["관련", *cv.render_items([cv.Item(text=one(doc)) for doc in ordered], level=2)]


def detail_text(detail: Detail, language: cv.Language = "ko") -> str:
    """``처리 결과: 수리 완료`` or ``수리비: 금113,560원(금일십일만삼천오백육십원)``."""
    if detail.amount is not None:
        amount = (
            cv.format_amount_official(detail.amount)
            if language == "ko"
            else cv.format_amount(detail.amount, language="en")
        )
        value = f"{detail.value} {amount}" if detail.value else amount
    else:
        value = detail.value or ""
    return f"{detail.label}: {value}"


def _head_ko(facts: LetterFacts) -> list[Block]:
    if facts.kind == "내부결재":
        receiver = "내부결재"
    elif len(facts.recipients) == 1:
        receiver = facts.recipients[0]
    else:
        receiver = "수신자 참조"
    via = f"(경유)  {facts.via}" if facts.via else "(경유)"
    return [
        Block(kind="letterhead", text=facts.organisation, align="center"),
        meta(f"수신  {receiver}"),
        meta(via),
        meta(f"제목  {facts.title}"),
    ]


def _body_ko(facts: LetterFacts) -> list[Part]:
    parts: list[Part] = []
    number = 0

    def next_marker() -> str:
        nonlocal number
        number += 1
        return f"{number}."

    if facts.related:
        lines = related_lines(facts.related)
        lines[0] = f"{next_marker()} {lines[0]}"
        parts.append(CodePart("related", items(lines)))
    if facts.kind == "민원회신":
        greeting = f"{next_marker()} 귀하의 가정에 평안을 기원합니다."
        parts += [
            CodePart("greeting", items([greeting])),
            ProseSlot("summary", marker=next_marker(), level=1),
        ]
    parts.append(ProseSlot("main", marker=next_marker(), level=1))
    children = [cv.Item(text=detail_text(d)) for d in facts.details]
    children += [cv.Item(text=f"근거: {basis}") for basis in facts.legal_basis]
    if children:
        parts.append(CodePart("details", items(cv.render_items(children, level=2))))
    if facts.request:
        parts.append(ProseSlot("request", marker=next_marker(), level=1))
    if facts.kind == "민원회신":
        who = f"{facts.department} {facts.drafter.title} {facts.drafter.name}"
        contact = f"{next_marker()} 궁금한 사항은 {who}(전화 {facts.drafter.phone or facts.phone})에게 연락하여 주시기 바랍니다."
        parts.append(CodePart("contact", items([contact])))
    if facts.attachments:
        lines = cv.render_attachments(facts.attachments, end_mark=True)
        parts.append(CodePart("attachments", [Block(kind="attachment", text=line) for line in lines]))
    else:
        parts.append(EndMark())
    return parts


def approval_row(facts: LetterFacts) -> list[str]:
    """``주무관 정우진 | 도로관리과장 (전결)``: 기안자 then each 결재 box."""
    row = [f"{facts.drafter.title} {facts.drafter.name}"]
    for signer in facts.approvals:
        cell = signer.title + (f" {signer.name}" if signer.name else "")
        row.append(f"{cell} (전결)" if signer.delegated else cell)
    return row


def closing_rows(facts: LetterFacts) -> list[list[str]]:
    """결문 lines: 시행·접수, 우편번호·주소·홈페이지, 전화·전송·전자우편·공개 구분."""
    disclosure = (
        facts.disclosure if facts.disclosure == "공개" else f"{facts.disclosure}({facts.disclosure_ground})"
    )
    address = f"우 {facts.postcode}  {facts.address}" + (f"  / {facts.homepage}" if facts.homepage else "")
    contact = f"전화번호 {facts.phone}" + (f"  전송 {facts.fax}" if facts.fax else "")
    contact += (f"  / {facts.email}" if facts.email else "") + f"  / {disclosure}"
    return [
        [f"시행  {facts.doc_number}({cv.format_date(facts.enforce_date, weekday=False)})", "접수"],
        [address],
        [contact],
    ]


def _layout_ko(facts: LetterFacts) -> list[Part]:
    closing: list[Block] = []
    if facts.sender:
        closing.append(Block(kind="signature", text=facts.sender, align="center"))
    if len(facts.recipients) > 1:
        closing.append(meta(f"수신자  {', '.join(facts.recipients)}"))
    closing += [
        Block(kind="table", rows=[approval_row(facts)]),
        Block(kind="table", rows=closing_rows(facts)),
    ]
    return [CodePart("head", _head_ko(facts)), *_body_ko(facts), CodePart("closing", closing)]


def _layout_en(facts: LetterFacts) -> list[Part]:
    head = [
        Block(kind="letterhead", text=facts.organisation, align="center"),
        meta(cv.format_date(facts.enforce_date, weekday=False, language="en")),
        meta(f"Our reference: {facts.doc_number}"),
        *[meta(recipient) for recipient in facts.recipients],
        Block(
            kind="paragraph", text=f"Dear {facts.salutation}," if facts.salutation else "Dear Sir or Madam,"
        ),
        Block(kind="heading", text=facts.title),
    ]
    details = [Block(kind="item", text=f"- {detail_text(d, 'en')}", level=1) for d in facts.details]
    details += [Block(kind="item", text=f"- Legal basis: {basis}", level=1) for basis in facts.legal_basis]
    sign_off = "Yours sincerely," if facts.salutation else "Yours faithfully,"
    contact = f"Phone {facts.phone}" + (f" | Email {facts.email}" if facts.email else "")
    closing = [
        Block(kind="paragraph", text=sign_off),
        Block(kind="signature", text=f"{facts.drafter.name}, {facts.drafter.title}"),
        meta(f"{facts.department}, {facts.organisation}"),
        meta(contact),
    ]
    parts: list[Part] = [CodePart("head", head)]
    if facts.kind == "민원회신":
        parts.append(ProseSlot("summary"))
    parts += [ProseSlot("main"), CodePart("details", details)]
    if facts.request:
        parts.append(ProseSlot("request"))
    lines = cv.render_attachments(facts.attachments, language="en")
    parts += [
        CodePart("attachments", [Block(kind="attachment", text=line) for line in lines]),
        CodePart("closing", closing),
    ]
    return parts
