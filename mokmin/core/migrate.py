"""Run Alembic migrations from code (``mokmin db upgrade``, ``mokmin init``, tests).

Each domain's migrations form their own branch off the foundation, so ``heads`` (not ``head``) is the target.
"""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("mokmin").joinpath("migrations")))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(url: str | None = None, connection: Connection | None = None) -> None:
    """Bring the database to the newest schema of every domain."""
    command.upgrade(alembic_config(url, connection), "heads")
