"""The providers an institution has registered, stored with their API secrets sealed.

Secrets are encrypted with a key derived from ``MOKMIN_SECRET_KEY`` and never shown again after they are
entered: listing a provider tells only whether it has a secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from mokmin.core.crypto import SecretBox
from mokmin.core.errors import Conflict, NotFound, ValidationFailed
from mokmin.gateway.models import ProviderRecord
from mokmin.gateway.types import ProviderConfig

SECRET_PURPOSE = "gateway-provider-secret"


@dataclass(frozen=True)
class RegisteredProvider:
    """A provider as routing needs it: its full config (with secret) and who may use it."""

    config: ProviderConfig
    allowed_roles: tuple[str, ...]
    allowed_department_ids: tuple[int, ...]
    priority: int
    enabled: bool
    has_secret: bool

    def admits(self, role: str, department_id: int | None) -> bool:
        if self.allowed_roles and role not in self.allowed_roles and role != "admin":
            return False
        return not self.allowed_department_ids or department_id in self.allowed_department_ids


def _box(secret_key: str) -> SecretBox:
    return SecretBox(secret_key, SECRET_PURPOSE)


def parse_config(data: dict[str, Any]) -> ProviderConfig:
    """A ProviderConfig from admin input, with every problem named for the person who typed it."""
    try:
        return ProviderConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'config'}: {err['msg']}" for err in exc.errors()
        )
        raise ValidationFailed("gateway.bad_provider", problems=problems) from None


def save(
    db: Session,
    config: ProviderConfig,
    secret_key: str,
    *,
    allowed_roles: list[str] | None = None,
    allowed_department_ids: list[int] | None = None,
    priority: int = 100,
    replace: bool = False,
) -> ProviderRecord:
    record = db.scalar(select(ProviderRecord).where(ProviderRecord.name == config.name))
    if record is not None and not replace:
        raise Conflict("gateway.provider_exists", name=config.name)
    if record is None:
        record = ProviderRecord(name=config.name)
        db.add(record)
    record.config = config.model_dump(mode="json", exclude={"api_key"})
    record.sealed_api_key = (
        _box(secret_key).seal(config.api_key.get_secret_value()) if config.api_key else None
    )
    record.allowed_roles = list(allowed_roles or [])
    record.allowed_department_ids = list(allowed_department_ids or [])
    record.priority = priority
    record.enabled = True
    db.flush()
    return record


def remove(db: Session, name: str) -> None:
    record = db.scalar(select(ProviderRecord).where(ProviderRecord.name == name))
    if record is None:
        raise NotFound("gateway.provider_not_found", name=name)
    db.delete(record)
    db.flush()


def load(db: Session, secret_key: str, *, include_disabled: bool = False) -> list[RegisteredProvider]:
    """Every registered provider, best priority first, with secrets unsealed for the calling process only."""
    stmt = select(ProviderRecord).order_by(ProviderRecord.priority, ProviderRecord.name)
    box = _box(secret_key)
    providers = []
    for record in db.scalars(stmt):
        if not record.enabled and not include_disabled:
            continue
        data = dict(record.config)
        if record.sealed_api_key:
            data["api_key"] = SecretStr(box.open(record.sealed_api_key))
        providers.append(
            RegisteredProvider(
                config=ProviderConfig.model_validate(data),
                allowed_roles=tuple(record.allowed_roles),
                allowed_department_ids=tuple(record.allowed_department_ids),
                priority=record.priority,
                enabled=record.enabled,
                has_secret=record.sealed_api_key is not None,
            )
        )
    return providers


def ensure_default(db: Session, secret_key: str) -> bool:
    """Register the bundled embedded model when no provider exists yet; True when it was added."""
    from mokmin.gateway.providers.embedded import default_embedded_config

    if db.scalar(select(ProviderRecord.id).limit(1)) is not None:
        return False
    save(db, default_embedded_config(), secret_key, priority=1000)
    return True
