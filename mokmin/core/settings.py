"""Settings, read from ``MOKMIN_*`` environment variables (and an optional ``.env`` file).

One class per concern would be overkill for the handful of knobs the platform has today; they are grouped in
one :class:`Settings` that is built on demand (``get_settings()``), never at import time, so tests and
workers can build their own.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me-mokmin-development-secret"


class InsecureConfiguration(RuntimeError):
    """Raised when production mode is asked for with a development secret."""


class Settings(BaseSettings):
    """Everything an operator can set; each is documented in .env.example (a test keeps it complete)."""

    model_config = SettingsConfigDict(env_prefix="MOKMIN_", env_file=".env", extra="ignore")

    env: Literal["development", "production", "test"] = "development"
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET)
    database_url: str = "sqlite:///var/mokmin.db"
    redis_url: str | None = None
    data_dir: Path = Path("var")
    host: str = "127.0.0.1"
    port: int = 8000
    default_language: Literal["ko", "en"] = "ko"
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    login_max_failures: int = Field(default=5, ge=1, le=100)
    login_lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)
    api_key_default_days: int = Field(default=90, ge=1, le=3650)
    max_request_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    secure_cookies: bool = False
    chat_retention_days: int = Field(default=30, ge=1, le=3650)
    vault_retention_days: int = Field(default=30, ge=1, le=3650)
    draft_section_max_tokens: int = Field(default=400, ge=16, le=8192)
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_display_name: str = "SSO"

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> Settings:
        if self.env == "production" and self.secret_key.get_secret_value() == DEFAULT_SECRET:
            raise InsecureConfiguration(
                "운영 모드에서는 기본 비밀키를 쓸 수 없습니다. MOKMIN_SECRET_KEY를 설정하세요. "
                "(Refusing to start in production with the default MOKMIN_SECRET_KEY.)"
            )
        if self.env == "production" and len(self.secret_key.get_secret_value()) < 32:
            raise InsecureConfiguration(
                "MOKMIN_SECRET_KEY는 32자 이상이어야 합니다. (MOKMIN_SECRET_KEY must be at least 32 characters.)"
            )
        return self

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, built on first use."""
    return Settings()
