"""letterhead: address, contacts and logo of each institution, printed on exported documents

Revision ID: 0002_letterhead
Revises: 0001_foundation
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_letterhead"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("address", "postcode", "phone", "fax", "homepage", "logo", "logo_type")


def upgrade() -> None:
    op.add_column("institutions", sa.Column("address", sa.String(length=160), nullable=True))
    op.add_column("institutions", sa.Column("postcode", sa.String(length=5), nullable=True))
    op.add_column("institutions", sa.Column("phone", sa.String(length=20), nullable=True))
    op.add_column("institutions", sa.Column("fax", sa.String(length=20), nullable=True))
    op.add_column("institutions", sa.Column("homepage", sa.String(length=100), nullable=True))
    op.add_column("institutions", sa.Column("logo", sa.LargeBinary(), nullable=True))
    op.add_column("institutions", sa.Column("logo_type", sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("institutions") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
