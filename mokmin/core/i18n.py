"""Korean/English message catalogues.

Korean is the default. Core messages live in ``catalog_ko.json`` and ``catalog_en.json`` beside this module;
each domain may add its own ``messages_ko.json`` / ``messages_en.json`` in its package (keys prefixed with the
domain, e.g. ``drafting.``). A test keeps the Korean and English keys identical, so no page shows a raw key.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from importlib import resources
from typing import Literal

Language = Literal["ko", "en"]
LANGUAGES: tuple[Language, ...] = ("ko", "en")


DOMAINS = ("gateway", "guard", "drafting", "knowledge", "adoption", "web")  # message files, merged in order


@lru_cache(maxsize=2)
def catalog(lang: Language) -> dict[str, str]:
    text = resources.files("mokmin.core").joinpath(f"catalog_{lang}.json").read_text(encoding="utf-8")
    data: dict[str, str] = json.loads(text)
    for domain in DOMAINS:
        extra = resources.files(f"mokmin.{domain}").joinpath(f"messages_{lang}.json")
        if extra.is_file():
            data.update(json.loads(extra.read_text(encoding="utf-8")))
    return data


def normalize_language(value: str | None, default: Language = "ko") -> Language:
    """Map 'en', 'en_US.UTF-8', 'ko-KR' … to a supported language."""
    if not value:
        return default
    head = value.strip().lower()[:2]
    return "en" if head == "en" else "ko" if head == "ko" else default


def translate(key: str, lang: Language = "ko", **params: object) -> str:
    """The message for ``key`` in ``lang``, formatted with ``params``; falls back to Korean, then the key."""
    text = catalog(lang).get(key) or catalog("ko").get(key) or key
    return text.format(**params) if params else text


def cli_language() -> Language:
    """Language for terminal output: MOKMIN_LANG, then the POSIX locale variables."""
    for var in ("MOKMIN_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value and value not in ("C", "POSIX", "C.UTF-8"):
            return normalize_language(value)
    return "ko"
