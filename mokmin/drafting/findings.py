"""What the draft checker reports: one finding per problem, with where it is and what to write instead."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

FindingKind = Literal["convention", "invention"]


class Finding(BaseModel):
    """One problem in a document.

    ``kind`` is ``convention`` for a broken rule of the form (date, weekday, numbering, 끝. …) and ``invention``
    for a number, date, name or organisation in the prose that the facts and sources do not contain.
    """

    kind: FindingKind
    rule: str
    line: int
    text: str
    message: str
    suggestion: str = ""
    source: Literal["code", "prose", "unknown"] = "unknown"

    def describe(self) -> str:
        """``12행 [weekday] 2026. 11. 25.(목): 요일이 틀렸습니다 → 2026. 11. 25.(수)``."""
        hint = f" → {self.suggestion}" if self.suggestion else ""
        return f"{self.line}행 [{self.rule}] {self.text}: {self.message}{hint}"
