"""drafting: seal draft text at rest

Revision ID: 0520_drafts_sealed
Revises: 0510_draft_sources

What people typed or a model wrote (draft titles, facts and notes, version notes, content and Markdown, review
comments, attached passages and their citations) may name a citizen, so it is sealed with the key of
:mod:`mokmin.core.sealed` (the configured one, else ``MOKMIN_SECRET_KEY`` from settings). The columns become
``TEXT`` (a token outgrows ``VARCHAR(200)`` and is not JSON) and every existing value is sealed; downgrade
opens them and restores the types.

SQLite changes a column type by rebuilding the table, and dropping the old ``drafts`` would cascade-delete
every version, review and source: foreign keys are enforced and cannot be switched off inside the
migration's transaction. So the rows of every table that refers to ``drafts`` are set aside in temporary
tables while it is rebuilt, and put back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any

import sqlalchemy as sa
from alembic import op

from mokmin.core.sealed import open_text, seal_text

revision: str = "0520_drafts_sealed"
down_revision: str | Sequence[str] | None = "0510_draft_sources"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every sealed column with its type before this revision (all NOT NULL).
SEALED: dict[str, dict[str, sa.types.TypeEngine[Any]]] = {
    "drafts": {"title": sa.String(length=200), "facts": sa.JSON(), "notes": sa.Text()},
    "draft_versions": {"note": sa.String(length=500), "content": sa.JSON(), "markdown": sa.Text()},
    "draft_reviews": {"comment": sa.Text()},
    "draft_sources": {"reference": sa.String(length=400), "text": sa.Text()},
}
BATCH = 500


@contextmanager
def _referrers_set_aside(bind: sa.Connection, parent: str) -> Iterator[None]:
    """(SQLite) Keep the rows of every table that refers to *parent*, directly or through another, in
    temporary tables and empty them, so rebuilding *parent* deletes nothing; put them back afterwards."""
    inspector = sa.inspect(bind)
    names = set(inspector.get_table_names())
    found: set[str] = set()
    frontier = {parent}
    while frontier:
        frontier = {
            table
            for table in names - found - {parent}
            if any(fk["referred_table"] in frontier for fk in inspector.get_foreign_keys(table))
        }
        found |= frontier
    reflected = sa.MetaData()
    reflected.reflect(bind, only=sorted(found))
    tables = reflected.sorted_tables  # referred tables first
    kept: dict[str, sa.Table] = {}
    for table in tables:
        columns = [sa.Column(column.name, column.type) for column in table.columns]
        copy = sa.Table(f"_kept_{table.name}", sa.MetaData(), *columns, prefixes=["TEMPORARY"])
        copy.create(bind)
        bind.execute(copy.insert().from_select([c.name for c in columns], sa.select(table)))
        kept[table.name] = copy
    for table in reversed(tables):
        bind.execute(table.delete())
    yield
    for table in tables:
        copy = kept[table.name]
        restored = [column.name for column in copy.columns]
        target = sa.table(table.name, *(sa.column(name) for name in restored))
        bind.execute(target.insert().from_select(restored, sa.select(copy)))
        copy.drop(bind)


def _retype(*, sealed: bool) -> None:
    """Sealed: every changed column becomes TEXT; not sealed: back to its type before this revision."""
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    with _referrers_set_aside(bind, "drafts") if sqlite else nullcontext():
        for table, columns in SEALED.items():
            changed = {name: kind for name, kind in columns.items() if not isinstance(kind, sa.Text)}
            if not changed:
                continue
            with op.batch_alter_table(table) as batch:
                for name, kind in changed.items():
                    old, new = (kind, sa.Text()) if sealed else (sa.Text(), kind)
                    cast = "json" if isinstance(new, sa.JSON) else "text"
                    batch.alter_column(
                        name,
                        existing_type=old,
                        type_=new,
                        existing_nullable=False,
                        postgresql_using=f'"{name}"::{cast}',
                    )


def _rewrite(convert: Callable[[str], str]) -> None:
    """Pass every value of every sealed column through *convert*, a batch of rows at a time."""
    bind = op.get_bind()
    for name, columns in SEALED.items():
        table = sa.table(name, sa.column("id", sa.Integer()), *(sa.column(c, sa.Text()) for c in columns))
        update = (
            sa.update(table)
            .where(table.c.id == sa.bindparam("row_id"))
            .values({c: sa.bindparam(f"new_{c}") for c in columns})
        )
        last = 0
        while rows := bind.execute(
            sa.select(table).where(table.c.id > last).order_by(table.c.id).limit(BATCH)
        ).all():
            changes = [
                {"row_id": row.id}
                | {f"new_{c}": None if row._mapping[c] is None else convert(row._mapping[c]) for c in columns}
                for row in rows
            ]
            bind.execute(update, changes)
            last = rows[-1].id


def upgrade() -> None:
    _retype(sealed=True)
    _rewrite(seal_text)


def downgrade() -> None:
    _rewrite(open_text)
    _retype(sealed=False)
