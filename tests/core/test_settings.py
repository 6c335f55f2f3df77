from __future__ import annotations

import pytest
from pydantic import SecretStr

from mokmin.core.settings import DEFAULT_SECRET, InsecureConfiguration, Settings


def test_production_refuses_default_secret() -> None:
    with pytest.raises(InsecureConfiguration, match="MOKMIN_SECRET_KEY"):
        Settings(env="production", _env_file=None)  # type: ignore[call-arg]


def test_production_refuses_short_secret() -> None:
    with pytest.raises(InsecureConfiguration, match="32"):
        Settings(env="production", secret_key=SecretStr("short"), _env_file=None)  # type: ignore[call-arg]


def test_production_accepts_strong_secret() -> None:
    settings = Settings(env="production", secret_key=SecretStr("s" * 40), _env_file=None)  # type: ignore[call-arg]
    assert settings.secret_key.get_secret_value() != DEFAULT_SECRET


def test_environment_variables_configure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOKMIN_DATABASE_URL", "sqlite:///elsewhere.db")
    monkeypatch.setenv("MOKMIN_DEFAULT_LANGUAGE", "en")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == "sqlite:///elsewhere.db"
    assert settings.default_language == "en"


def test_env_example_documents_every_setting() -> None:
    from pathlib import Path

    from mokmin.knowledge.settings import KnowledgeSettings

    example = (Path(__file__).parents[2] / ".env.example").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"MOKMIN_{name.upper()}=" in example, (
            f"MOKMIN_{name.upper()} is not documented in .env.example"
        )
    for name in KnowledgeSettings.model_fields:
        assert f"MOKMIN_KB_{name.upper()}=" in example, f"MOKMIN_KB_{name.upper()} is not documented"
