import pytest
from sqlalchemy import func, select

from mokmin.core.errors import ValidationFailed
from mokmin.knowledge.errors import UnsafeXml
from mokmin.knowledge.index import IndexOutcome, Ownership, delete_document, ingest_bytes
from mokmin.knowledge.models import (
    Audience,
    DocumentReader,
    DocumentVersion,
    KnowledgeChunk,
    KnowledgeDocument,
)
from mokmin.knowledge.search import search
from tests.knowledge.files import BILLION_LAUGHS, rezip, sample_docx

ORDINANCE = "제1장 총칙\n\n제1조(목적) 이 조례는 공영주차장의 설치와 관리에 필요한 사항을 정한다.\n".encode()
REVISED = ORDINANCE + "\n제2장 요금\n\n제7조(감면) 경차는 주차요금의 50퍼센트를 감면한다.\n".encode()


def _owner(org, **kwargs):
    return Ownership(org.city.id, org.traffic.id, **kwargs)


def _count(db, model):
    return db.scalar(select(func.count()).select_from(model))


def test_same_file_twice_is_one_document(db, org):
    first = ingest_bytes(db, ORDINANCE, "주차장 조례.txt", _owner(org))
    again = ingest_bytes(db, ORDINANCE, "사본.txt", _owner(org))
    assert first.outcome == IndexOutcome.CREATED and again.outcome == IndexOutcome.UNCHANGED
    assert again.document_id == first.document_id and again.chunk_count == first.chunk_count
    assert _count(db, KnowledgeDocument) == 1 and _count(db, DocumentVersion) == 1


def test_new_version_replaces_chunks_and_keeps_history(db, org):
    first = ingest_bytes(db, ORDINANCE, "주차장 조례.txt", _owner(org))
    second = ingest_bytes(db, REVISED, "주차장 조례.txt", _owner(org, audience=Audience.INSTITUTION))
    assert second.outcome == IndexOutcome.NEW_VERSION
    assert (second.document_id, second.version) == (first.document_id, 2)
    versions = db.scalars(select(DocumentVersion).order_by(DocumentVersion.number)).all()
    assert [v.number for v in versions] == [1, 2] and versions[0].sha256 != versions[1].sha256
    chunks = db.scalars(select(KnowledgeChunk).order_by(KnowledgeChunk.ordinal)).all()
    assert [c.section for c in chunks] == ["제1장 총칙 > 제1조(목적)", "제2장 요금 > 제7조(감면)"]
    hits = search(db, org.reader("welfare"), "경차 감면")
    # the new audience applies and the new chunk is searchable
    assert [h.chunk_id for h in hits] == [chunks[1].id]


def test_old_chunks_leave_the_full_text_index(db, org):
    ingest_bytes(db, "낡은 요금표 내용이다.".encode(), "안내.txt", _owner(org))
    ingest_bytes(db, "새 요금표 내용이다.".encode(), "안내.txt", _owner(org))
    assert search(db, org.reader("traffic1"), "낡은") == []
    assert len(search(db, org.reader("traffic1"), "요금표")) == 1


def test_hostile_file_writes_nothing(db, org):
    with pytest.raises(UnsafeXml):
        ingest_bytes(
            db, rezip(sample_docx(), {"word/document.xml": BILLION_LAUGHS}), "bomb.docx", _owner(org)
        )
    assert _count(db, KnowledgeDocument) == 0 and _count(db, KnowledgeChunk) == 0


def test_listed_readers_are_required_and_stored(db, org):
    with pytest.raises(ValidationFailed):
        _owner(org, audience=Audience.USERS)
    result = ingest_bytes(
        db, ORDINANCE, "a.txt", _owner(org, audience=Audience.USERS, readers=(org.users["welfare"].id,) * 2)
    )
    readers = db.scalars(
        select(DocumentReader.user_id).where(DocumentReader.document_id == result.document_id)
    )
    assert list(readers) == [org.users["welfare"].id]


def test_delete_removes_document_and_index(db, org):
    result = ingest_bytes(db, REVISED, "a.txt", _owner(org))
    delete_document(db, result.document_id)
    assert _count(db, KnowledgeChunk) == 0 and _count(db, DocumentVersion) == 0
    assert search(db, org.reader("traffic1"), "경차") == []
