"""Errors of the drafting domain.

Hierarchy (under :mod:`mokmin.core.errors`)::

    MokminError
    ├── ValidationFailed
    │   └── FactsInvalid      facts that cannot be right; ``problems`` names each field and why
    └── NotFound
        └── UnknownDocType    a document type key that is not registered
"""

from __future__ import annotations

from pydantic import BaseModel

from mokmin.core.errors import NotFound, ValidationFailed


class FieldProblem(BaseModel):
    """One refused fact: the field's path, its label as the form shows it, and why it was refused."""

    field: str
    label: str
    message: str

    def describe(self) -> str:
        """``배포 일시(distributed_at): 2월은 28일까지 있습니다.``"""
        return f"{self.label}({self.field}): {self.message}"


class FactsInvalid(ValidationFailed):
    """The facts of a document are impossible or malformed; nothing was drafted."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        lines = "; ".join(problem.describe() for problem in problems)
        super().__init__(f"입력한 사실을 확인해 주세요 — {lines}", detail=lines)


class UnknownDocType(NotFound):
    """A document type that the registry does not know."""

    def __init__(self, key: str, known: list[str]) -> None:
        super().__init__(f"알 수 없는 문서 종류입니다: {key} (가능: {', '.join(known)})")
        self.key = key
