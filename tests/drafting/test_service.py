"""The studio workflow on both databases: versions, autosave, regeneration, review rules, lock, export, audit."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mokmin.core.errors import Conflict, Locked, PermissionDenied, ValidationFailed
from mokmin.drafting import service
from mokmin.drafting.composing import compose
from mokmin.drafting.errors import FactsInvalid
from mokmin.drafting.models import DraftRecord, DraftStatus, VersionKind
from mokmin.drafting.writers import FactOnlyWriter
from mokmin.guard import audit
from mokmin.guard.models import AuditEvent
from tests.fixtures.drafting import PRESS_RELEASE, REPORT
from tests.fixtures.drafting_studio import user


class ShortWriter:
    """A stand-in model that obeys '더 짧게' by writing one short sentence, and records its prompts."""

    model_name = "short-test-model"

    def __init__(self) -> None:
        self.prompts: list[str] = []

    def __call__(self, section_key: str, prompt: str) -> Iterator[str]:
        self.prompts.append(prompt)
        yield "한빛시립도서관이 문을 연다." if "더 짧게" in prompt else "한빛시립도서관 개관 소식이다."


def generated(db: Session, username: str = "press1") -> DraftRecord:
    author = user(db, username)
    draft = service.create_draft(db, author, "press_release", PRESS_RELEASE)
    plan = service.plan_generation(db, author, draft.id)
    service.record_generation(db, author, draft.id, compose(plan, FactOnlyWriter()))
    return draft


def actions(db: Session, draft: DraftRecord) -> list[str]:
    query = select(AuditEvent.action).where(AuditEvent.target == f"draft:{draft.id}").order_by(AuditEvent.seq)
    return list(db.scalars(query))


def test_create_and_generate_store_a_version_with_label_and_audit(demo: Session) -> None:
    chunks: list[tuple[str, str]] = []
    author = user(demo, "press1")
    draft = service.create_draft(demo, author, "press_release", PRESS_RELEASE, tone="plain", length="short")
    plan = service.plan_generation(demo, author, draft.id)
    writer = ShortWriter()
    content = compose(plan, writer, on_chunk=lambda key, text: chunks.append((key, text)))
    version = service.record_generation(demo, author, draft.id, content)

    assert [key for key, _ in chunks] == ["lead", "body"]
    assert all(
        "시민 눈높이로" in p and "더 짧게" in p for p in writer.prompts
    )  # tone and length reach the model
    assert version.number == 1 and version.kind is VersionKind.GENERATE
    assert draft.model == "short-test-model" and draft.department_id == author.department_id
    assert "short-test-model" in version.markdown and draft.title == PRESS_RELEASE["title"]
    assert actions(demo, draft) == ["draft.create", "draft.generate"]
    assert audit.verify(demo)[1] is None


def test_impossible_facts_are_refused_before_anything_is_stored(demo: Session) -> None:
    facts = {**REPORT, "start": "2026-12-20", "end": "2026-12-01"}
    before = demo.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    with pytest.raises(FactsInvalid) as refused:
        service.create_draft(demo, user(demo, "press1"), "report", facts)
    assert "시작일" in str(refused.value)
    assert demo.scalars(select(DraftRecord)).all() == []
    assert demo.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)) == before


def test_regenerate_one_section_keeps_the_others(demo: Session) -> None:
    draft = generated(demo)
    author = user(demo, "press1")
    before = service.current(demo, draft)
    assert before is not None
    version = service.regenerate_section(demo, author, draft.id, "lead", "더 짧게", ShortWriter())
    after = service.content_of(version)

    assert version.number == 2 and version.note == "더 짧게"
    assert after.section("lead").plain() == "한빛시립도서관이 문을 연다."
    assert after.section("body") == before[1].section("body")
    assert after.label.model == "short-test-model"
    with pytest.raises(ValidationFailed):
        service.regenerate_section(demo, author, draft.id, "head", "", ShortWriter())  # code part: refused
    assert actions(demo, draft)[-1] == "draft.regenerate"


def test_autosave_refreshes_its_own_version_and_manual_save_adds_one(demo: Session) -> None:
    draft = generated(demo)
    author = user(demo, "press1")
    first = service.save_sections(demo, author, draft.id, {"body": "첫 고침."}, autosave=True)
    second = service.save_sections(demo, author, draft.id, {"body": "둘째 고침."}, autosave=True)
    assert first.id == second.id and second.kind is VersionKind.AUTOSAVE
    assert service.content_of(second).section("body").plain() == "둘째 고침."
    saved = service.save_sections(demo, author, draft.id, {"body": "직접 저장."}, note="문장 다듬음")
    assert saved.number == 3 and saved.kind is VersionKind.EDIT
    assert [v.number for v in service.versions(demo, draft)] == [3, 2, 1]
    assert actions(demo, draft)[-2:] == ["draft.autosave", "draft.save"]
    lines = service.diff(demo, author, draft.id, 1, 3)
    assert any(line.sign == "+" and "직접 저장." in line.text for line in lines)
    assert any(line.sign == "-" for line in lines)


def test_only_the_author_edits(demo: Session) -> None:
    draft = generated(demo)
    with pytest.raises(PermissionDenied):
        service.save_sections(demo, user(demo, "press2"), draft.id, {"body": "남의 초안"})
    with pytest.raises(PermissionDenied):  # the head reviews, but does not rewrite
        service.save_sections(demo, user(demo, "head.press"), draft.id, {"body": "부서장이 고침"})


def test_review_rules(demo: Session) -> None:
    draft = generated(demo)
    author, head = user(demo, "press1"), user(demo, "head.press")
    with pytest.raises(Conflict):
        service.approve(demo, head, draft.id)  # not submitted yet
    service.submit(demo, author, draft.id, "확인 부탁드립니다")
    assert draft.status is DraftStatus.SUBMITTED
    with pytest.raises(Locked):
        service.save_sections(demo, author, draft.id, {"body": "검토 중 고침"})
    with pytest.raises(PermissionDenied):
        service.approve(demo, user(demo, "press2"), draft.id)  # staff cannot approve
    with pytest.raises(PermissionDenied):
        service.approve(demo, user(demo, "head.welfare"), draft.id)  # head of another department
    with pytest.raises(PermissionDenied):
        service.approve(demo, author, draft.id)  # nobody approves their own draft
    with pytest.raises(ValidationFailed):
        service.return_draft(demo, head, draft.id, "  ")  # returning needs a comment

    service.return_draft(demo, head, draft.id, "인용문을 줄여 주세요")
    assert draft.status.value == DraftStatus.RETURNED.value  # (mypy keeps the earlier narrowing)
    service.save_sections(demo, author, draft.id, {"body": "고쳐서 다시 올립니다."})
    service.submit(demo, author, draft.id)
    service.approve(demo, head, draft.id, "좋습니다")
    assert draft.status.value == DraftStatus.APPROVED.value
    trail = [(r.action.value, r.actor.username) for r in service.reviews(demo, draft)]
    assert trail == [
        ("submit", "press1"),
        ("return", "head.press"),
        ("submit", "press1"),
        ("approve", "head.press"),
    ]
    assert service.awaiting_review(demo, head) == []


def test_an_approved_draft_cannot_be_altered(demo: Session) -> None:
    draft = generated(demo)
    author, head = user(demo, "press1"), user(demo, "head.press")
    service.submit(demo, author, draft.id)
    assert service.awaiting_review(demo, head) == [draft]
    assert service.awaiting_review(demo, user(demo, "head.welfare")) == []
    service.approve(demo, head, draft.id)
    content = service.current(demo, draft)
    assert content is not None
    attempts: list[Callable[[], object]] = [
        lambda: service.save_sections(demo, author, draft.id, {"body": "승인 뒤 고침"}),
        lambda: service.save_sections(demo, author, draft.id, {"body": "자동 저장"}, autosave=True),
        lambda: service.regenerate_section(demo, author, draft.id, "lead", "더 짧게", ShortWriter()),
        lambda: service.update_facts(demo, author, draft.id, PRESS_RELEASE),
        lambda: service.plan_generation(demo, author, draft.id),
        lambda: service.record_generation(demo, author, draft.id, content[1]),
        lambda: service.submit(demo, author, draft.id),
        lambda: service.return_draft(demo, head, draft.id, "다시"),
        lambda: service.approve(demo, head, draft.id),
    ]
    for attempt in attempts:
        with pytest.raises(Locked) as locked:
            attempt()
        assert "승인" in locked.value.localized("ko")
    assert [v.number for v in service.versions(demo, draft)] == [1]


def test_export_carries_letterhead_and_is_audited(demo: Session) -> None:
    draft = generated(demo)
    head = user(demo, "head.press")
    file = service.export_draft(demo, head, draft.id, "md")
    text = file.content.decode()
    assert "목민시청" in text and "FactOnlyWriter" in text  # letterhead and AI label
    assert file.filename.endswith(".md") and file.media_type.startswith("text/markdown")
    with pytest.raises(ValidationFailed):
        service.export_draft(demo, head, draft.id, "exe")
    with pytest.raises(PermissionDenied):
        service.export_draft(demo, user(demo, "welfare1"), draft.id, "md")
    assert actions(demo, draft)[-1] == "draft.export"
