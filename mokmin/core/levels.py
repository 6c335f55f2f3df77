"""Data levels and provider locality: the two words every privacy decision is made of.

Levels follow Korea's N2SF framework, lowest first: O (open), S (sensitive), C (classified).
"""

from __future__ import annotations

from enum import StrEnum


class DataLevel(StrEnum):
    OPEN = "O"
    SENSITIVE = "S"
    CLASSIFIED = "C"

    @property
    def rank(self) -> int:
        """Position in O < S < C, so a provider's ceiling can be compared with a request's level."""
        return "OSC".index(self.value)

    def allows(self, level: DataLevel) -> bool:
        """True when data of ``level`` may go to a provider whose ceiling is ``self``."""
        return level.rank <= self.rank

    @classmethod
    def highest(cls, *levels: DataLevel) -> DataLevel:
        return max(levels, key=lambda level: level.rank)


class Locality(StrEnum):
    """Whether data leaves the institution's machines when this provider answers."""

    LOCAL = "local"
    EXTERNAL = "external"
