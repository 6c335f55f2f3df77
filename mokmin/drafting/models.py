"""Tables of the drafting studio: drafts, every version of their text, and the review trail.

A draft row holds what the clerk entered (facts, notes, tone, length) and where it stands in review. Its text
lives only in ``draft_versions``: every generation, regeneration, save and autosave adds a version with the
whole structured draft and its Markdown, so any two versions can be compared and nothing is ever overwritten
(one exception: consecutive autosaves by the same author refresh their own autosave version, so a page typing
for an hour does not leave a thousand versions). ``draft_reviews`` records submit / approve / return with the
reviewer's comment; the audit chain records the same steps tamper-evidently.

Everything a person typed or a model wrote (title, facts, notes, version text and note, review comments,
attached passages) may name a citizen, so it is sealed at rest (:mod:`mokmin.core.sealed`) and never queried
in SQL; ids, statuses, options, model names and times stay plain for the queries that need them.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mokmin.core.db import Base, TimestampMixin, enum_values, utcnow
from mokmin.core.models import Department, User
from mokmin.core.sealed import SealedJSON, SealedText


class DraftStatus(enum.StrEnum):
    """Where a draft stands: written by its author, awaiting review, sent back, or approved (locked)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


class VersionKind(enum.StrEnum):
    """What produced a version."""

    GENERATE = "generate"
    REGENERATE = "regenerate"
    EDIT = "edit"
    AUTOSAVE = "autosave"


class ReviewAction(enum.StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"


class DraftRecord(TimestampMixin, Base):
    """One document in the studio. ``facts`` are the validated facts as JSON (the form refills from them)."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), index=True
    )
    doc_type: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2), default="ko")
    title: Mapped[str] = mapped_column(SealedText, default="")
    facts: Mapped[dict[str, Any]] = mapped_column(SealedJSON, default=dict)
    notes: Mapped[str] = mapped_column(SealedText, default="")
    tone: Mapped[str] = mapped_column(String(16), default="formal")
    length: Mapped[str] = mapped_column(String(16), default="normal")
    status: Mapped[DraftStatus] = mapped_column(
        Enum(DraftStatus, native_enum=False, length=16, values_callable=enum_values),
        default=DraftStatus.DRAFT,
        index=True,
    )
    model: Mapped[str] = mapped_column(String(200), default="")
    current_version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    owner: Mapped[User] = relationship()
    department: Mapped[Department | None] = relationship()
    sources: Mapped[list[DraftSource]] = relationship(
        order_by="DraftSource.id", cascade="all, delete-orphan", passive_deletes=True
    )


class DraftVersion(Base):
    """The whole draft at one moment: the structured :class:`~mokmin.drafting.draft.Draft` and its Markdown."""

    __tablename__ = "draft_versions"
    __table_args__ = (UniqueConstraint("draft_id", "number", name="uq_draft_versions_draft_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    kind: Mapped[VersionKind] = mapped_column(
        Enum(VersionKind, native_enum=False, length=16, values_callable=enum_values)
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    note: Mapped[str] = mapped_column(SealedText, default="")
    model: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[dict[str, Any]] = mapped_column(SealedJSON)
    markdown: Mapped[str] = mapped_column(SealedText)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    author: Mapped[User] = relationship()


class DraftReview(TimestampMixin, Base):
    """One step of review: the author submits, the department head approves or returns with a comment."""

    __tablename__ = "draft_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    action: Mapped[ReviewAction] = mapped_column(
        Enum(ReviewAction, native_enum=False, length=16, values_callable=enum_values)
    )
    version: Mapped[int] = mapped_column(default=0)
    comment: Mapped[str] = mapped_column(SealedText, default="")
    actor: Mapped[User] = relationship()


class DraftSource(Base):
    """A knowledge-base passage the author attached to a draft, kept as it was when attached.

    The passage text and its citation are copied so that the draft, its prompts and its check stay the same
    when the document is re-ingested or deleted later; ``chunk_id`` says where it came from. ``data_level``
    (O, S, C) raises the level of every model request the draft makes.
    """

    __tablename__ = "draft_sources"
    __table_args__ = (UniqueConstraint("draft_id", "chunk_id", name="uq_draft_sources_draft_chunk"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    chunk_id: Mapped[int]
    document_id: Mapped[int]
    reference: Mapped[str] = mapped_column(SealedText)
    text: Mapped[str] = mapped_column(SealedText)
    data_level: Mapped[str] = mapped_column(String(1), default="O")
    added_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ = [
    "DraftRecord",
    "DraftReview",
    "DraftSource",
    "DraftStatus",
    "DraftVersion",
    "ReviewAction",
    "VersionKind",
]
