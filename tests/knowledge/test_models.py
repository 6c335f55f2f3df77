from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

import mokmin.core.models  # noqa: F401 - the tables the knowledge tables point at
from mokmin.core.db import Base, make_engine
from mokmin.knowledge.models import DataLevel, KnowledgeChunk


def test_levels_are_ordered():
    assert DataLevel.OPEN.at_or_below() == [DataLevel.OPEN]
    assert DataLevel.CLASSIFIED.at_or_below() == [DataLevel.OPEN, DataLevel.SENSITIVE, DataLevel.CLASSIFIED]


def test_create_all_also_builds_the_sqlite_full_text_index():
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine, tables=[t for t in Base.metadata.sorted_tables])
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        assert {"kb_documents", "kb_chunks", "kb_chunks_fts"} <= names
        Base.metadata.drop_all(conn)
        assert "kb_chunks_fts" not in set(inspect(conn).get_table_names())
    engine.dispose()


def _knowledge_only(obj, name, kind, reflected, compare_to):
    table = name if kind == "table" else obj.table.name
    return table in KNOWLEDGE_TABLES


KNOWLEDGE_TABLES = {"kb_documents", "kb_document_versions", "kb_document_readers", "kb_chunks"}


def test_migration_matches_the_models(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": _knowledge_only}
        )
        diff = compare_metadata(context, Base.metadata)
    # The generated tsvector column and its GIN index exist only in PostgreSQL, outside the models, by design.
    assert [d for d in diff if "tsv" not in repr(d)] == []


def test_full_text_index_exists_per_dialect(engine):
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            assert conn.execute(text("SELECT count(*) FROM kb_chunks_fts")).scalar() == 0
        else:
            columns = {c["name"] for c in inspect(conn).get_columns(KnowledgeChunk.__tablename__)}
            assert "tsv" in columns
