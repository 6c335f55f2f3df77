"""Every query of the drafting studio's tables; nothing else touches them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mokmin.drafting.models import DraftRecord, DraftReview, DraftSource, DraftStatus, DraftVersion


def add(db: Session, row: DraftRecord | DraftVersion | DraftReview | DraftSource) -> None:
    """Stage a new row and flush, so its id is known to the caller (and to the audit event)."""
    db.add(row)
    db.flush()


def get_draft(db: Session, draft_id: int, *, for_update: bool = False) -> DraftRecord | None:
    """One draft; ``for_update`` locks its row (PostgreSQL) so two saves cannot take the same version number."""
    query = select(DraftRecord).where(DraftRecord.id == draft_id)
    if for_update:
        query = query.with_for_update()
    return db.scalars(query).one_or_none()


def drafts_of_owner(db: Session, owner_id: int, limit: int = 200) -> Sequence[DraftRecord]:
    """The user's own drafts, most recently changed first."""
    query = (
        select(DraftRecord)
        .where(DraftRecord.owner_id == owner_id)
        .order_by(DraftRecord.updated_at.desc(), DraftRecord.id.desc())
        .limit(limit)
    )
    return db.scalars(query).all()


def drafts_awaiting_review(
    db: Session, department_id: int | None, *, exclude_owner: int, limit: int = 200
) -> Sequence[DraftRecord]:
    """Submitted drafts of a department (``None``: every department, for admins), oldest first."""
    query = select(DraftRecord).where(
        DraftRecord.status == DraftStatus.SUBMITTED, DraftRecord.owner_id != exclude_owner
    )
    if department_id is not None:
        query = query.where(DraftRecord.department_id == department_id)
    return db.scalars(query.order_by(DraftRecord.updated_at, DraftRecord.id).limit(limit)).all()


def versions(db: Session, draft_id: int) -> Sequence[DraftVersion]:
    """Every version of a draft, newest first."""
    query = select(DraftVersion).where(DraftVersion.draft_id == draft_id).order_by(DraftVersion.number.desc())
    return db.scalars(query).all()


def version(db: Session, draft_id: int, number: int) -> DraftVersion | None:
    query = select(DraftVersion).where(DraftVersion.draft_id == draft_id, DraftVersion.number == number)
    return db.scalars(query).one_or_none()


def latest_version(db: Session, draft_id: int) -> DraftVersion | None:
    query = (
        select(DraftVersion)
        .where(DraftVersion.draft_id == draft_id)
        .order_by(DraftVersion.number.desc())
        .limit(1)
    )
    return db.scalars(query).first()


def next_version_number(db: Session, draft_id: int) -> int:
    query = select(func.coalesce(func.max(DraftVersion.number), 0)).where(DraftVersion.draft_id == draft_id)
    return int(db.scalar(query) or 0) + 1


def reviews(db: Session, draft_id: int) -> Sequence[DraftReview]:
    """The review trail of a draft, oldest first."""
    query = select(DraftReview).where(DraftReview.draft_id == draft_id).order_by(DraftReview.id)
    return db.scalars(query).all()
