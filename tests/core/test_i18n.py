from __future__ import annotations

import re
from pathlib import Path

import pytest

from mokmin.core.i18n import catalog, cli_language, normalize_language, translate


def test_catalogues_have_the_same_keys() -> None:
    assert set(catalog("ko")) == set(catalog("en"))


def test_catalogues_have_the_same_placeholders() -> None:
    for key, text in catalog("ko").items():
        assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", catalog("en")[key])), key


def test_translate_formats_and_falls_back() -> None:
    assert translate("auth.locked", "en", minutes=3).endswith("3 minutes.")
    assert "3분" in translate("auth.locked", "ko", minutes=3)
    assert translate("no.such.key", "en") == "no.such.key"


@pytest.mark.parametrize(
    ("value", "expected"), [("en_US.UTF-8", "en"), ("ko-KR", "ko"), ("fr", "ko"), (None, "ko")]
)
def test_normalize_language(value: str | None, expected: str) -> None:
    assert normalize_language(value) == expected


def test_cli_language_from_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("MOKMIN_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert cli_language() == "en"
    monkeypatch.setenv("MOKMIN_LANG", "ko")
    assert cli_language() == "ko"


def test_every_key_used_in_templates_exists() -> None:
    root = Path(__file__).parents[2] / "mokmin" / "web" / "templates"
    used = set()
    for template in root.glob("*.html"):
        used |= set(re.findall(r'\bt\("([a-z_]+\.[a-z_]+)"[,)]', template.read_text(encoding="utf-8")))
    missing = used - set(catalog("ko"))
    assert not missing
