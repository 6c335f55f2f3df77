"""Policy overrides: only ever stricter than the defaults, every change audited, read back for the gateway."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mokmin.core.errors import ValidationFailed
from mokmin.core.levels import DataLevel, Locality
from mokmin.guard import audit, policy_store
from mokmin.guard.models import AuditEvent, PolicyOverride
from mokmin.guard.policy import DEFAULT_POLICY, Action, decide

OFFICER = audit.Actor(2, "privacy")
OPEN, S, C = DataLevel.OPEN, DataLevel.SENSITIVE, DataLevel.CLASSIFIED
LOCAL, EXTERNAL = Locality.LOCAL, Locality.EXTERNAL


def _changes(db: Session) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == "admin.policy_change")))


def test_no_overrides_means_the_defaults(db: Session) -> None:
    assert policy_store.load_overrides(db) == {}
    cells = policy_store.matrix(db)
    assert len(cells) == 6 and all(
        c.effective is c.default is DEFAULT_POLICY[(c.level, c.locality)] for c in cells
    )


def test_tightening_is_stored_audited_and_used_by_decide(db: Session) -> None:
    assert policy_store.set_action(db, OPEN, EXTERNAL, Action.PSEUDONYMIZE, OFFICER) is Action.PASS
    overrides = policy_store.load_overrides(db)
    assert overrides == {(OPEN, EXTERNAL): Action.PSEUDONYMIZE}
    assert decide(OPEN, EXTERNAL, overrides) is Action.PSEUDONYMIZE
    [event] = _changes(db)
    assert event.actor == "privacy" and event.target == "Oxexternal"
    assert event.details == {"locality": "external", "from": "pass", "to": "pseudonymize", "default": "pass"}


def test_tightening_again_updates_the_same_row(db: Session) -> None:
    policy_store.set_action(db, S, LOCAL, Action.PSEUDONYMIZE, OFFICER)
    assert policy_store.set_action(db, S, LOCAL, Action.BLOCK, OFFICER) is Action.PSEUDONYMIZE
    assert len(list(db.scalars(select(PolicyOverride)))) == 1
    assert policy_store.load_overrides(db) == {(S, LOCAL): Action.BLOCK}


@pytest.mark.parametrize(
    ("level", "locality", "action"),
    [(S, EXTERNAL, Action.PASS), (C, EXTERNAL, Action.PASS), (C, EXTERNAL, Action.PSEUDONYMIZE)],
)
def test_loosening_is_refused_and_not_recorded(
    db: Session, level: DataLevel, locality: Locality, action: Action
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        policy_store.set_action(db, level, locality, action, OFFICER)
    assert caught.value.message == "guard.policy_loosen"
    assert policy_store.load_overrides(db) == {} and _changes(db) == []


def test_classified_external_offers_only_block(db: Session) -> None:
    cell = next(c for c in policy_store.matrix(db) if (c.level, c.locality) == (C, EXTERNAL))
    assert cell.choices == [Action.BLOCK]


def test_setting_the_default_removes_the_override(db: Session) -> None:
    policy_store.set_action(db, OPEN, LOCAL, Action.BLOCK, OFFICER)
    assert policy_store.set_action(db, OPEN, LOCAL, Action.PASS, OFFICER) is Action.BLOCK
    assert db.scalar(select(PolicyOverride)) is None and policy_store.load_overrides(db) == {}
    assert [e.details["to"] for e in _changes(db)] == ["block", "pass"]


def test_unchanged_cell_is_not_audited(db: Session) -> None:
    assert policy_store.set_action(db, S, EXTERNAL, Action.PSEUDONYMIZE, OFFICER) is None
    assert _changes(db) == []


def test_a_loosening_row_written_by_hand_is_ignored(db: Session) -> None:
    from mokmin.core.db import utcnow

    for level, action in (("C", "pass"), ("S", "nonsense")):
        db.add(PolicyOverride(data_level=level, locality="external", action=action, updated_at=utcnow(),
                              updated_by="sql"))  # fmt: skip
    db.flush()
    assert policy_store.load_overrides(db) == {}
