"""What may be sent where: per data level × provider locality, pass, pseudonymise, or block.

Out of the box (see ARCHITECTURE.md) external providers get open data as is, sensitive data only after
pseudonymisation, and classified data never. Detected personal data raises a request to at least
``S``. The privacy officer may tighten a cell, never loosen C × external.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from mokmin.core.errors import PermissionDenied
from mokmin.core.levels import DataLevel, Locality


class Action(StrEnum):
    PASS = "pass"
    PSEUDONYMIZE = "pseudonymize"
    BLOCK = "block"


DEFAULT_POLICY: Mapping[tuple[DataLevel, Locality], Action] = {
    (DataLevel.OPEN, Locality.LOCAL): Action.PASS,
    (DataLevel.OPEN, Locality.EXTERNAL): Action.PASS,
    (DataLevel.SENSITIVE, Locality.LOCAL): Action.PASS,
    (DataLevel.SENSITIVE, Locality.EXTERNAL): Action.PSEUDONYMIZE,
    (DataLevel.CLASSIFIED, Locality.LOCAL): Action.PASS,
    (DataLevel.CLASSIFIED, Locality.EXTERNAL): Action.BLOCK,
}
_STRICTNESS = {Action.PASS: 0, Action.PSEUDONYMIZE: 1, Action.BLOCK: 2}


class PolicyRefused(PermissionDenied):
    """The request's data may not go to any provider that could answer it."""

    code = "policy_refused"


def decide(
    level: DataLevel, locality: Locality, overrides: Mapping[tuple[DataLevel, Locality], Action] = {}
) -> Action:
    """The action for this cell; an override only counts when it is stricter than the default."""
    default = DEFAULT_POLICY[(level, locality)]
    override = overrides.get((level, locality))
    if override is not None and _STRICTNESS[override] > _STRICTNESS[default]:
        return override
    return default


def level_for(requested: DataLevel, findings: Mapping[str, int]) -> DataLevel:
    """The request's effective level: what the user chose, raised to S when personal data was detected."""
    if any(count > 0 for count in findings.values()):
        return DataLevel.highest(requested, DataLevel.SENSITIVE)
    return requested
