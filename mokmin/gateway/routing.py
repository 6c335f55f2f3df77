"""Choosing who may answer: providers that offer the model, admit the caller, and may receive the data.

Routing is pure (no I/O): it takes the registered providers, the caller and the guard's inspection of the
prompt, and returns the ordered targets with what each may receive, or a refusal that says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mokmin.core.errors import NotFound, PermissionDenied
from mokmin.core.levels import DataLevel, Locality
from mokmin.gateway.catalog import RegisteredProvider
from mokmin.gateway.types import ModelInfo
from mokmin.guard.outbound import Inspection, Prepared, prepare
from mokmin.guard.policy import Action, PolicyRefused, decide
from mokmin.guard.pseudonymize import Pseudonymizer


@dataclass(frozen=True)
class Caller:
    """Who is asking, as routing and budgets see it."""

    user_id: int | None
    username: str
    role: str
    department_id: int | None
    institution_id: int | None


@dataclass
class Target:
    provider: RegisteredProvider
    model: ModelInfo
    prepared: Prepared

    @property
    def name(self) -> str:
        return self.provider.config.name


def offered(
    providers: Sequence[RegisteredProvider], caller: Caller
) -> list[tuple[RegisteredProvider, ModelInfo]]:
    """Every (provider, model) this caller may use, in routing order."""
    return [
        (provider, model)
        for provider in providers
        if provider.admits(caller.role, caller.department_id)
        for model in provider.config.models
    ]


def candidates(
    providers: Sequence[RegisteredProvider], caller: Caller, model: str
) -> list[tuple[RegisteredProvider, ModelInfo]]:
    """Providers offering ``model`` to this caller; a clear 404 or 403 when there are none."""
    found = [(p, m) for p in providers for m in p.config.models if m.name == model]
    if not found:
        names = sorted({m.name for _, m in offered(providers, caller)})
        raise NotFound("gateway.unknown_model", model=model[:100], models=", ".join(names) or "-")
    allowed = [(p, m) for p, m in found if p.admits(caller.role, caller.department_id)]
    if not allowed:
        raise PermissionDenied("gateway.model_not_allowed", model=model[:100])
    return allowed


def route(
    options: Sequence[tuple[RegisteredProvider, ModelInfo]],
    inspection: Inspection,
    overrides: Mapping[tuple[DataLevel, Locality], Action] = {},
) -> list[Target]:
    """Targets that may receive this request, each with its prepared (passed or pseudonymised) text."""
    pseudonymizer = Pseudonymizer()  # shared, so every target sees the same placeholders
    targets = []
    for provider, model in options:
        config = provider.config
        if not DataLevel(config.max_data_level).allows(inspection.level):
            continue
        locality = Locality(config.locality)
        if decide(inspection.level, locality, overrides) is Action.BLOCK:
            continue
        targets.append(Target(provider, model, prepare(inspection, locality, overrides, pseudonymizer)))
    if not targets:
        key = (
            "gateway.refused_classified"
            if inspection.level is DataLevel.CLASSIFIED
            else "gateway.refused_sensitive"
        )
        raise PolicyRefused(key, level=inspection.level.value)
    return targets
