"""Migration 0520_drafts_sealed on both databases: drafts written in the clear before it are sealed, none of
their versions, reviews or sources is lost (SQLite rebuilds ``drafts``), and downgrade gives the text back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from mokmin.core import sealed as sealed_columns
from mokmin.core.crypto import SecretBox
from mokmin.core.db import make_engine
from mokmin.core.migrate import alembic_config
from mokmin.drafting.models import DraftRecord, DraftVersion
from tests.conftest import BACKENDS
from tests.fixtures.databases import PG_BASE_URL, pg_url

BEFORE = "0510_draft_sources"
SCHEMA = "mokmin_test_sealed_migration"
KEY = "migration-test-key-" + "m" * 32
NAME = "탁윤서"
FACTS = {"recipients": [f"{NAME} 님"], "title": f"{NAME} 님 민원 회신"}
CONTENT = {
    "title": f"{NAME} 님 민원 회신",
    "sections": [{"key": "body", "text": "주민등록번호 850315-2234567"}],
}
ROWS = {
    "users": "INSERT INTO users (id, username, display_name, password_hash, role, is_active, language,"
    " failed_logins, created_at) VALUES (1, 'clerk', 'clerk', 'x', 'staff', true, 'ko', 0, '2026-01-01')",
    "drafts": "INSERT INTO drafts (id, owner_id, doc_type, language, title, facts, notes, tone, length, status,"
    " model, current_version, created_at, updated_at) VALUES (1, 1, 'letter', 'ko', :title, :facts, '',"
    " 'formal', 'normal', 'draft', '', 1, '2026-01-01', '2026-01-01')",
    "draft_versions": "INSERT INTO draft_versions (id, draft_id, number, kind, author_id, note, model, content,"
    " markdown, created_at, updated_at) VALUES (1, 1, 1, 'edit', 1, :note, 'm', :content, :markdown,"
    " '2026-01-01', '2026-01-01')",
    "draft_reviews": "INSERT INTO draft_reviews (id, draft_id, actor_id, action, version, comment, created_at)"
    " VALUES (1, 1, 1, 'submit', 1, :comment, '2026-01-01')",
    "draft_sources": "INSERT INTO draft_sources (id, draft_id, chunk_id, document_id, reference, text,"
    " data_level, added_by, created_at) VALUES (1, 1, 5, 6, :reference, :text, 'O', 1, '2026-01-01')",
}
VALUES = {
    "title": f"{NAME} 님 민원 회신",
    "facts": json.dumps(FACTS, ensure_ascii=False),
    "note": f"{NAME} 님 연락처 010-2718-2818",
    "content": json.dumps(CONTENT, ensure_ascii=False),
    "markdown": f"# {NAME} 님 민원 회신",
    "comment": f"{NAME} 님 건 검토 바랍니다",
    "reference": f"{NAME} 민원 접수부 1쪽",
    "text": f"{NAME} 님이 접수한 민원",
}
SEALED = {
    "drafts": ("title", "facts", "notes"),
    "draft_versions": ("note", "content", "markdown"),
    "draft_reviews": ("comment",),
    "draft_sources": ("reference", "text"),
}


@pytest.fixture(params=BACKENDS)
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database of its own (the migration is run down and up again), at the revision before sealing."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'sealing.db'}")
    else:
        admin = make_engine(PG_BASE_URL)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
        engine = make_engine(pg_url(SCHEMA))
    with engine.begin() as conn:
        command.upgrade(alembic_config(connection=conn), BEFORE)
    yield engine
    engine.dispose()
    if request.param != "sqlite":
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        admin.dispose()


def _migrate(engine: Engine, target: str, *, down: bool = False) -> None:
    with engine.begin() as conn:
        (command.downgrade if down else command.upgrade)(alembic_config(connection=conn), target)


def _cells(conn: Connection) -> dict[tuple[str, str], Any]:
    cells: dict[tuple[str, str], Any] = {}
    for table, columns in SEALED.items():
        row = conn.execute(text(f"SELECT {', '.join(columns)} FROM {table}")).one()
        cells |= {(table, column): value for column, value in zip(columns, row, strict=True)}
    return cells


def test_existing_drafts_are_sealed_and_downgrade_opens_them(
    fresh: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sealed_columns, "_secret", None)
    sealed_columns.configure(KEY)  # a configured key wins over the settings, in migrations too
    with fresh.begin() as conn:
        for statement in ROWS.values():
            conn.execute(text(statement), VALUES)
    _migrate(fresh, "heads")

    with fresh.connect() as conn:
        sealed = _cells(conn)
        counts = [conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() for table in SEALED]
        assert counts == [1, 1, 1, 1]  # rebuilding drafts on SQLite cascade-deleted nothing
        assert sealed[("drafts", "notes")] == ""  # empty stays empty
        for cell, value in sealed.items():
            if cell != ("drafts", "notes"):
                assert value.startswith("gAAAA") and NAME not in value, cell
        assert SecretBox(KEY, sealed_columns.PURPOSE).open(sealed[("drafts", "title")]) == VALUES["title"]
        with Session(bind=conn) as session:
            draft = session.get(DraftRecord, 1)
            version = session.get(DraftVersion, 1)
            assert draft is not None and version is not None
            assert (draft.title, draft.facts, draft.notes) == (VALUES["title"], FACTS, "")
            assert (version.note, version.content, version.markdown) == (
                VALUES["note"],
                CONTENT,
                VALUES["markdown"],
            )
            assert draft.sources[0].text == VALUES["text"]

    _migrate(fresh, BEFORE, down=True)
    with fresh.connect() as conn:
        opened = _cells(conn)
    for (table, column), value in opened.items():
        if column in ("facts", "content"):  # JSON again: PostgreSQL hands back the object
            value = json.loads(value) if isinstance(value, str) else value
            assert value == json.loads(VALUES[column]), (table, column)
        else:
            assert value == VALUES.get(column, ""), (table, column)
