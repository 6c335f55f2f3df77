"""The studio's tables on both databases: what the migration creates round-trips through the ORM."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mokmin.drafting.models import (
    DraftRecord,
    DraftReview,
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
