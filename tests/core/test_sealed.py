"""Sealed columns (mokmin/core/sealed.py) on both databases: plain values in Python, tokens in the table."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from sqlalchemy import Column, Connection, Integer, MetaData, Table, insert, select, text

from mokmin.core import sealed
from mokmin.core.crypto import SecretBox
from mokmin.core.settings import get_settings
from mokmin.gateway.conversations import VAULT_PURPOSE
from mokmin.guard.vault import PURPOSE as GUARD_VAULT_PURPOSE

KEY = "sealed-test-key-" + "k" * 32
NOTE = "민원인 탁윤서(010-2718-2818) 회신"
FACTS = {"recipients": ["탁윤서 님"], "figures": [{"value": 120000}], "urgent": True}


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    """A configured key for this test only (the module's key is process-wide)."""
    monkeypatch.setattr(sealed, "_secret", None)
    sealed.configure(SecretStr(KEY))
    return KEY


@pytest.fixture
def probe(connection: Connection) -> Table:
    """A throwaway table inside the test's rolled-back transaction."""
    table = Table(
        "sealed_probe",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("note", sealed.SealedText, nullable=True),
        Column("facts", sealed.SealedJSON, nullable=True),
    )
    table.create(connection)
    return table


def test_values_round_trip_and_the_table_holds_only_tokens(
    connection: Connection, probe: Table, key: str
) -> None:
    rows = [
        {"id": 1, "note": NOTE, "facts": FACTS},
        {"id": 2, "note": NOTE, "facts": FACTS},
        {"id": 3, "note": "", "facts": []},
        {"id": 4, "note": None, "facts": None},
    ]
    connection.execute(insert(probe), rows)
    assert [dict(row._mapping) for row in connection.execute(select(probe).order_by(probe.c.id))] == rows

    raw = connection.execute(text("SELECT id, note, facts FROM sealed_probe ORDER BY id")).all()
    box = SecretBox(key, sealed.PURPOSE)
    for _, note, facts in raw[:2]:
        assert note.startswith("gAAAA") and "탁윤서" not in note and "탁윤서" not in facts
        assert box.open(note) == NOTE
    assert raw[0].note != raw[1].note  # equal values give different tokens: nothing to match on
    assert raw[2].note == "" and raw[2].facts != "[]" and box.open(raw[2].facts) == "[]"
    assert raw[3].note is None and raw[3].facts is None


def test_another_key_or_purpose_cannot_open(connection: Connection, probe: Table, key: str) -> None:
    connection.execute(insert(probe), {"id": 1, "note": NOTE})
    token = connection.execute(text("SELECT note FROM sealed_probe")).scalar_one()
    for purpose in (VAULT_PURPOSE, GUARD_VAULT_PURPOSE):
        with pytest.raises(ValueError, match="MOKMIN_SECRET_KEY"):
            SecretBox(key, purpose).open(token)
    sealed.configure("another-key-" + "z" * 32)
    with pytest.raises(ValueError, match="MOKMIN_SECRET_KEY") as refused:
        connection.execute(select(probe.c.note)).all()
    assert "탁윤서" not in str(refused.value)


def test_without_configure_the_settings_key_seals(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sealed, "_secret", None)
    monkeypatch.setenv("MOKMIN_SECRET_KEY", "from-the-environment-" + "e" * 32)
    get_settings.cache_clear()
    try:
        token = sealed.seal_text(NOTE)
        assert SecretBox("from-the-environment-" + "e" * 32, sealed.PURPOSE).open(token) == NOTE
        assert sealed.open_text(token) == NOTE
    finally:
        get_settings.cache_clear()


def test_sql_cannot_compare_or_sort_a_sealed_column(probe: Table) -> None:
    for expression in (
        lambda: probe.c.note == NOTE,
        lambda: probe.c.note.like("%탁윤서%"),
        lambda: probe.c.note.desc(),
        lambda: probe.c.facts.in_([FACTS]),
    ):
        with pytest.raises(TypeError, match="sealed column"):
            expression()
