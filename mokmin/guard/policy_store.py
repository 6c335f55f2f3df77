"""The privacy officer's policy overrides, stored per cell and only ever stricter than the defaults.

``load_overrides`` is what the gateway passes to :func:`mokmin.guard.policy.decide`. ``set_action`` is the
one way to change a cell: it refuses anything looser than the default (C × external stays ``block``), drops
the override when the chosen action equals the default, and appends an ``admin.policy_change`` audit event.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mokmin.core.db import utcnow
from mokmin.core.errors import ValidationFailed
from mokmin.core.levels import DataLevel, Locality
from mokmin.guard import audit
from mokmin.guard.models import PolicyOverride
from mokmin.guard.policy import DEFAULT_POLICY, Action, decide

STRICTNESS = {Action.PASS: 0, Action.PSEUDONYMIZE: 1, Action.BLOCK: 2}


def load_overrides(db: Session) -> dict[tuple[DataLevel, Locality], Action]:
    """Every stored override that is valid and stricter than the default (anything else is ignored)."""
    overrides: dict[tuple[DataLevel, Locality], Action] = {}
    for row in db.scalars(select(PolicyOverride)):
        try:
            cell = (DataLevel(row.data_level), Locality(row.locality))
            action = Action(row.action)
        except ValueError:
            continue  # an unknown value written by hand never loosens anything
        if STRICTNESS[action] > STRICTNESS[DEFAULT_POLICY[cell]]:
            overrides[cell] = action
    return overrides


@dataclass(frozen=True)
class Cell:
    """One cell of the policy matrix as the privacy officer sees it."""

    level: DataLevel
    locality: Locality
    default: Action
    effective: Action

    @property
    def overridden(self) -> bool:
        return self.effective is not self.default

    @property
    def choices(self) -> list[Action]:
        """The actions this cell may be set to: the default and anything stricter."""
        return [a for a in Action if STRICTNESS[a] >= STRICTNESS[self.default]]


def matrix(db: Session) -> list[Cell]:
    """All six cells, levels O, S, C × local, external."""
    overrides = load_overrides(db)
    return [
        Cell(level, locality, DEFAULT_POLICY[(level, locality)], decide(level, locality, overrides))
        for level in DataLevel
        for locality in Locality
    ]


def set_action(
    db: Session, level: DataLevel, locality: Locality, action: Action, actor: audit.Actor
) -> Action | None:
    """Set one cell; returns the previous effective action, or ``None`` when nothing changed.

    Raises :class:`ValidationFailed` (``guard.policy_loosen``) for an action looser than the default.
    """
    default = DEFAULT_POLICY[(level, locality)]
    if STRICTNESS[action] < STRICTNESS[default]:
        raise ValidationFailed(
            "guard.policy_loosen", level=level.value, locality=locality.value, default=default.value
        )
    row = db.scalar(
        select(PolicyOverride).where(
            PolicyOverride.data_level == level.value, PolicyOverride.locality == locality.value
        )
    )
    before = decide(level, locality, load_overrides(db))
    if before is action:
        return None
    if action is default:
        if row is not None:
            db.delete(row)
    elif row is None:
        db.add(PolicyOverride(data_level=level.value, locality=locality.value, action=action.value,
                              updated_at=utcnow(), updated_by=actor.username[:64]))  # fmt: skip
    else:
        row.action, row.updated_at, row.updated_by = action.value, utcnow(), actor.username[:64]
    db.flush()
    audit.append(
        db,
        "admin.policy_change",
        actor,
        target=f"{level.value}x{locality.value}",
        data_level=level.value,
        details={"locality": locality.value, "from": before.value, "to": action.value,
                 "default": default.value},
    )  # fmt: skip
    return before
