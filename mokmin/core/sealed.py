"""Columns encrypted at rest: what a clerk typed or a model wrote may hold a citizen's name, resident
registration number or phone number, and raw personal data is never stored in the clear outside the vault.

:class:`SealedText` and :class:`SealedJSON` seal a value with :class:`~mokmin.core.crypto.SecretBox` (purpose
``sealed-columns``, a key of its own) as it is written and open it as it is read, so models, services and
templates keep handling plain values. The price: SQL cannot search, compare or sort a sealed column (every
token is different, even for equal values), so such expressions raise instead of silently matching nothing;
filter in Python after loading. ``None`` stays SQL ``NULL`` and an empty text stays empty (it reveals nothing
and keeps ``NOT NULL`` defaults valid). Opened values are plain ``str``, ``dict`` and ``list`` subclasses whose
``repr`` hides the content, because SQLAlchemy logs every fetched row at DEBUG (and tracebacks print locals).

The key is process-wide: the app and the CLI call :func:`configure` with their settings' ``MOKMIN_SECRET_KEY``;
anything that does not (migrations, workers) falls back to :func:`~mokmin.core.settings.get_settings` on first
use. Changing ``MOKMIN_SECRET_KEY`` makes sealed values unreadable, as it does the vault.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, NoReturn

from pydantic import SecretStr
from sqlalchemy import Dialect, Text, TypeDecorator

from mokmin.core.crypto import SecretBox
from mokmin.core.settings import get_settings

PURPOSE = "sealed-columns"

_secret: str | None = None


def configure(secret_key: SecretStr | str) -> None:
    """Seal and open with *secret_key* from now on (the settings' ``MOKMIN_SECRET_KEY``)."""
    global _secret
    _secret = secret_key.get_secret_value() if isinstance(secret_key, SecretStr) else secret_key


@lru_cache(maxsize=4)
def _box_for(secret: str) -> SecretBox:
    # Deriving the key (HKDF) for every value would cost more than the encryption itself.
    return SecretBox(secret, PURPOSE)


def _box() -> SecretBox:
    secret = _secret if _secret is not None else get_settings().secret_key.get_secret_value()
    return _box_for(secret)


def seal_text(value: str) -> str:
    """*value* sealed with the configured key; an empty text stays empty."""
    return _box().seal(value) if value else value


def open_text(token: str) -> str:
    """The plaintext behind :func:`seal_text`; raises ``ValueError`` for a token sealed with another key."""
    return _box().open(token) if token else token


class OpenedText(str):
    """An opened sealed text; only its ``repr`` differs from ``str``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<sealed text, {len(self)} characters>"


class OpenedDict(dict[str, Any]):
    """An opened sealed JSON object; only its ``repr`` differs from ``dict``."""

    def __repr__(self) -> str:
        return f"<sealed object, {len(self)} keys>"


class OpenedList(list[Any]):
    """An opened sealed JSON array; only its ``repr`` differs from ``list``."""

    def __repr__(self) -> str:
        return f"<sealed array, {len(self)} items>"


def _quiet(value: Any) -> Any:
    if isinstance(value, str):
        return OpenedText(value)
    if isinstance(value, dict):
        return OpenedDict(value)
    if isinstance(value, list):
        return OpenedList(value)
    return value


class _Opaque(TypeDecorator.Comparator[Any]):
    """Refuses SQL operators: a comparison with a sealed column would silently match nothing."""

    def operate(self, op: Any, *other: Any, **kwargs: Any) -> NoReturn:
        name = getattr(op, "__name__", op)
        raise TypeError(f"a sealed column cannot be used in SQL ({name}); filter in Python")

    def reverse_operate(self, op: Any, other: Any, **kwargs: Any) -> NoReturn:
        self.operate(op, other)


class SealedText(TypeDecorator[str]):
    """A text column stored sealed (``TEXT``: a token is about 1.4 times the UTF-8 size plus 80 bytes)."""

    impl = Text
    cache_ok = True
    comparator_factory = _Opaque

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else seal_text(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else OpenedText(open_text(value))


class SealedJSON(TypeDecorator[Any]):
    """A JSON value (dicts, lists, numbers, strings) stored as one sealed text."""

    impl = Text
    cache_ok = True
    comparator_factory = _Opaque

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return seal_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else _quiet(json.loads(open_text(value)))


__all__ = [
    "PURPOSE",
    "OpenedDict",
    "OpenedList",
    "OpenedText",
    "SealedJSON",
    "SealedText",
    "configure",
    "open_text",
    "seal_text",
]
