"""The studio's tables on both databases: what the migration creates round-trips through the ORM."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mokmin.core.db import Base
from mokmin.drafting.models import (
    DraftRecord,
    DraftReview,
    DraftSource,
    DraftStatus,
    DraftVersion,
    ReviewAction,
    VersionKind,
)
from tests.fixtures.drafting_studio import user


def test_migration_creates_the_tables(db: Session) -> None:
    tables = set(inspect(db.connection()).get_table_names())
    assert {"drafts", "draft_versions", "draft_reviews"} <= tables


def test_draft_versions_and_reviews_round_trip(demo: Session) -> None:
    author = user(demo, "press1")
    draft = DraftRecord(owner_id=author.id, department_id=author.department_id, doc_type="press_release")
    draft.facts = {"title": "한빛시립도서관 개관", "figures": [{"label": "장서", "value": 120000}]}
    demo.add(draft)
    demo.flush()
    demo.add(
        DraftVersion(
            draft_id=draft.id,
            number=1,
            kind=VersionKind.GENERATE,
            author_id=author.id,
            content={"sections": []},
            markdown="# 제목",
        )
    )
    demo.add(
        DraftReview(
            draft_id=draft.id, actor_id=author.id, action=ReviewAction.SUBMIT, comment="검토 바랍니다"
        )
    )
    demo.flush()
    demo.expire_all()
    loaded = demo.get(DraftRecord, draft.id)
    assert loaded is not None and loaded.status is DraftStatus.DRAFT
    assert loaded.facts["figures"][0]["value"] == 120000 and loaded.owner.username == "press1"
    assert loaded.created_at is not None and loaded.current_version == 0
    assert [v.markdown for v in demo.query(DraftVersion).filter_by(draft_id=draft.id)] == ["# 제목"]


def test_a_version_number_is_unique_per_draft(demo: Session) -> None:
    author = user(demo, "press1")
    draft = DraftRecord(owner_id=author.id, doc_type="report")
    demo.add(draft)
    demo.flush()
    for _ in range(2):
        demo.add(
            DraftVersion(
                draft_id=draft.id,
                number=1,
                kind=VersionKind.EDIT,
                author_id=author.id,
                content={},
                markdown="",
            )
        )
    with pytest.raises(IntegrityError), demo.begin_nested():
        demo.flush()


SECRET = "민원인 탁윤서(010-2718-2818)"
# Every sealed column, by table: what a person typed or a model wrote.
SEALED = {
    "drafts": ("title", "facts", "notes"),
    "draft_versions": ("note", "content", "markdown"),
    "draft_reviews": ("comment",),
    "draft_sources": ("reference", "text"),
}


def test_typed_and_written_text_is_sealed_in_the_tables(demo: Session) -> None:
    author = user(demo, "press1")
    draft = DraftRecord(
        owner_id=author.id,
        doc_type="letter",
        title=f"{SECRET} 회신",
        facts={"recipients": [f"{SECRET} 님"]},
        notes=SECRET,
    )
    demo.add(draft)
    demo.flush()
    version = DraftVersion(
        draft_id=draft.id,
        number=1,
        kind=VersionKind.EDIT,
        author_id=author.id,
        note=SECRET,
        content={"title": SECRET},
        markdown=f"# {SECRET}",
    )
    review = DraftReview(draft_id=draft.id, actor_id=author.id, action=ReviewAction.SUBMIT, comment=SECRET)
    source = DraftSource(
        draft_id=draft.id, chunk_id=1, document_id=1, reference=SECRET, text=SECRET, added_by=author.id
    )
    demo.add_all([version, review, source])
    demo.flush()
    for table, columns in SEALED.items():
        key = "id" if table == "drafts" else "draft_id"
        row = demo.execute(
            text(f"SELECT {', '.join(columns)} FROM {table} WHERE {key} = :d"), {"d": draft.id}
        ).one()
        for column, value in zip(columns, row, strict=True):
            assert isinstance(value, str) and value.startswith("gAAAA"), (table, column, value)
            assert "탁윤서" not in value
    demo.expire_all()
    loaded = demo.get(DraftRecord, draft.id)
    assert loaded is not None and loaded.title == f"{SECRET} 회신" and loaded.notes == SECRET
    assert loaded.facts == {"recipients": [f"{SECRET} 님"]} and loaded.sources[0].text == SECRET
    assert demo.get(DraftVersion, version.id).content == {"title": SECRET}  # type: ignore[union-attr]


def test_migrations_match_the_sealed_models(engine: Engine) -> None:
    def ours(obj: Any, name: str | None, kind: str, reflected: bool, compare_to: Any) -> bool:
        return (name if kind == "table" else obj.table.name) in SEALED

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": ours})
        assert compare_metadata(context, Base.metadata) == []
