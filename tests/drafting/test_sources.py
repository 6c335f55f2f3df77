"""Knowledge-base sources of a draft (mokmin/drafting/sources.py and the service around it) on both databases:
searched with the author's rights, attached with their citation, given to the prompts and the check, and
raising the draft's data level."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mokmin.core.errors import Conflict, Locked, NotFound, PermissionDenied
from mokmin.core.levels import DataLevel
from mokmin.core.models import User
from mokmin.drafting import service, sources
from mokmin.drafting.composing import compose
from mokmin.drafting.writers import FactOnlyWriter, InjectingWriter, with_level
from mokmin.guard.models import AuditEvent
from mokmin.knowledge import DataLevel as KbLevel
from mokmin.knowledge import Reader
from tests.fixtures.drafting import PRESS_RELEASE
from tests.fixtures.drafting_extras import passage
from tests.fixtures.drafting_studio import user

REPORT_TEXT = "# 2025년 도서관 이용 통계\n\n작년 한빛시립도서관 방문객은 1,284명으로 집계되었다."


def reader(person: User) -> Reader:
    return Reader(person.id, person.department_id, person.institution_id, KbLevel.CLASSIFIED)


class RecordingWriter:
    """Writes one sentence per section and keeps every prompt it was given."""

    model_name = "recording"
    offline = True

    def __init__(self, sentence: str) -> None:
        self.sentence = sentence
        self.prompts: list[str] = []

    def __call__(self, section_key: str, prompt: str) -> Iterator[str]:
        self.prompts.append(prompt)
        yield self.sentence


@pytest.fixture
def author(demo: Session) -> User:
    return user(demo, "press1")


def test_attached_passage_reaches_prompts_check_and_level(demo: Session, author: User) -> None:
    passage(demo, author, REPORT_TEXT, level=KbLevel.SENSITIVE, name="통계.md")
    draft = service.create_draft(demo, author, "press_release", PRESS_RELEASE)
    hits = sources.search(demo, author, reader(author), "도서관 방문객")
    assert hits and "1,284명" in hits[0].text
    search_event = demo.scalars(select(AuditEvent).where(AuditEvent.action == "knowledge.search")).one()
    assert search_event.details["purpose"] == "draft_sources" and "도서관" not in str(search_event.details)

    source = service.attach_source(demo, author, draft.id, reader(author), hits[0].chunk_id)
    assert service.attach_source(demo, author, draft.id, reader(author), hits[0].chunk_id).id == source.id
    assert source.reference.startswith("2025년 도서관 이용 통계") and source.data_level == "S"
    assert service.data_level(draft) is DataLevel.SENSITIVE

    plan = service.plan_generation(demo, author, draft.id)
    assert plan.level is DataLevel.SENSITIVE
    assert plan.sources == (f"[{source.reference}] {source.text}",)
    writer = RecordingWriter("작년 방문객은 1,284명이었다.")
    content = compose(plan, writer)
    assert all("자료 1:" in prompt and "1,284명" in prompt for prompt in writer.prompts)
    version = service.record_generation(demo, author, draft.id, content)
    assert service.check(draft, content).inventions == []  # the figure is in the source
    event = demo.scalars(select(AuditEvent).where(AuditEvent.action == "draft.generate")).one()
    assert event.data_level == "S" and event.details["sources"] == [hits[0].chunk_id]
    assert version.number == 1

    service.detach_source(demo, author, draft.id, source.id)
    assert service.data_level(draft) is DataLevel.OPEN
    assert {f.text for f in service.check(draft, content).inventions} == {"1,284"}  # lead and body


def test_only_readable_passages_and_only_the_author(demo: Session, author: User) -> None:
    welfare = user(demo, "welfare1")
    other = passage(demo, welfare, "복지과 내부 자료: 수급자 3,210명", name="복지.txt")
    mine = passage(demo, author, REPORT_TEXT, name="통계.md")
    draft = service.create_draft(demo, author, "press_release", PRESS_RELEASE)
    assert sources.search(demo, author, reader(author), "수급자") == []
    from mokmin.knowledge.models import KnowledgeChunk

    foreign = demo.scalars(
        select(KnowledgeChunk.id).where(KnowledgeChunk.document_id == other.document_id)
    ).first()
    assert foreign is not None
    with pytest.raises(NotFound):
        service.attach_source(demo, author, draft.id, reader(author), foreign)
    chunk = demo.scalars(
        select(KnowledgeChunk.id).where(KnowledgeChunk.document_id == mine.document_id)
    ).first()
    assert chunk is not None
    head = user(demo, "head.press")
    with pytest.raises(PermissionDenied):
        service.attach_source(demo, head, draft.id, reader(head), chunk)


def test_sources_are_fixed_once_the_draft_is_submitted(demo: Session, author: User) -> None:
    mine = passage(demo, author, REPORT_TEXT, name="통계.md")
    from mokmin.knowledge.models import KnowledgeChunk

    chunk = demo.scalars(
        select(KnowledgeChunk.id).where(KnowledgeChunk.document_id == mine.document_id)
    ).one()
    draft = service.create_draft(demo, author, "press_release", PRESS_RELEASE)
    content = compose(service.plan_generation(demo, author, draft.id), FactOnlyWriter())
    service.record_generation(demo, author, draft.id, content)
    service.submit(demo, author, draft.id)
    with pytest.raises(Locked):
        service.attach_source(demo, author, draft.id, reader(author), chunk)


class GovernedWriter:
    """Stands for the gateway writer: it carries the level of its requests."""

    def __init__(self) -> None:
        self.level = DataLevel.OPEN

    def __call__(self, section_key: str, prompt: str) -> Iterator[str]:
        yield ""


def test_the_writer_carries_the_level_or_is_refused() -> None:
    governed = GovernedWriter()
    assert with_level(governed, DataLevel.CLASSIFIED) is governed and governed.level is DataLevel.CLASSIFIED
    with_level(governed, DataLevel.SENSITIVE)
    assert governed.level is DataLevel.CLASSIFIED  # never lowered
    offline = FactOnlyWriter()
    assert with_level(offline, DataLevel.CLASSIFIED) is offline
    unknown = InjectingWriter(GovernedWriter(), "x")  # says nothing about levels
    assert with_level(unknown, DataLevel.OPEN) is unknown
    with pytest.raises(Conflict) as caught:
        with_level(unknown, DataLevel.SENSITIVE)
    assert caught.value.message == "drafting.error.level_unsupported"
