"""The drafting studio's workflow: create, generate, edit, autosave, regenerate, review and export drafts.

Rules enforced here, for every caller (pages, API, CLI): only the author changes a draft, and only while it
is being written or after it was returned; a submitted draft waits for review; an approved draft is locked for
good. Only a department head of the draft's department (or an admin), never the author, approves or returns.
Every step appends an audit event in the caller's transaction. Services never commit.

Generation is split so that no database transaction stays open while a model writes:
:func:`plan_generation` (reads, checks) → :func:`~mokmin.drafting.composing.compose` (no database; may
take a minute) → :func:`record_generation` (writes the version).
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from mokmin.core.errors import Conflict, Locked, NotFound, PermissionDenied, ValidationFailed
from mokmin.core.levels import DataLevel
from mokmin.core.models import Role, User
from mokmin.drafting import letterhead, repository, sources
from mokmin.drafting.check import CheckReport, check_draft
from mokmin.drafting.composing import (
    LENGTHS,
    TONES,
    GenerationPlan,
    InstructedWriter,
    apply_edits,
    model_name_of,
    options_instruction,
    require_prose_section,
)
from mokmin.drafting.doctypes import get_doc_type
from mokmin.drafting.draft import Draft
from mokmin.drafting.export import MEDIA_TYPES, Letterhead, export, export_markdown
from mokmin.drafting.models import (
    DraftRecord,
    DraftReview,
    DraftSource,
    DraftStatus,
    DraftVersion,
    ReviewAction,
    VersionKind,
)
from mokmin.drafting.render import render_section
from mokmin.drafting.writers import WriteSection
from mokmin.guard import audit
from mokmin.knowledge import Reader

EDITABLE = (DraftStatus.DRAFT, DraftStatus.RETURNED)


# --- who may do what --------------------------------------------------------------------------------------


def can_review(user: User, draft: DraftRecord) -> bool:
    """A department head of the draft's own department, or an admin; never the author."""
    if user.id == draft.owner_id:
        return False
    if user.role is Role.ADMIN:
        return True
    return (
        user.role is Role.DEPARTMENT_HEAD
        and draft.department_id is not None
        and user.department_id == draft.department_id
    )


def can_view(user: User, draft: DraftRecord) -> bool:
    return user.id == draft.owner_id or can_review(user, draft)


def can_edit(user: User, draft: DraftRecord) -> bool:
    return user.id == draft.owner_id and draft.status in EDITABLE


def _require_editable(user: User, draft: DraftRecord) -> None:
    if user.id != draft.owner_id:
        raise PermissionDenied("drafting.error.not_author")
    if draft.status is DraftStatus.APPROVED:
        raise Locked("drafting.error.locked")
    if draft.status is DraftStatus.SUBMITTED:
        raise Locked("drafting.error.under_review")


def get_for_view(db: Session, user: User, draft_id: int) -> DraftRecord:
    """The draft, if *user* may see it (its author, its department head, an admin)."""
    draft = repository.get_draft(db, draft_id)
    if draft is None:
        raise NotFound("drafting.error.not_found")
    if not can_view(user, draft):
        raise PermissionDenied("drafting.error.not_visible")
    return draft


def _for_change(db: Session, user: User, draft_id: int) -> DraftRecord:
    draft = repository.get_draft(db, draft_id, for_update=True)
    if draft is None:
        raise NotFound("drafting.error.not_found")
    if not can_view(user, draft):
        raise PermissionDenied("drafting.error.not_visible")
    return draft


# --- reading ----------------------------------------------------------------------------------------------


def content_of(version: DraftVersion) -> Draft:
    """The structured draft stored in a version."""
    return Draft.model_validate(version.content)


def current(db: Session, draft: DraftRecord) -> tuple[DraftVersion, Draft] | None:
    """The latest version and its draft, or ``None`` when nothing was generated yet."""
    latest = repository.latest_version(db, draft.id)
    return None if latest is None else (latest, content_of(latest))


def versions(db: Session, draft: DraftRecord) -> list[DraftVersion]:
    """Every version of *draft*, newest first."""
    return list(repository.versions(db, draft.id))


def reviews(db: Session, draft: DraftRecord) -> list[DraftReview]:
    """The review trail of *draft*, oldest first."""
    return list(repository.reviews(db, draft.id))


def check(draft: DraftRecord, content: Draft) -> CheckReport:
    """Inventions and broken conventions of *content*, judged against the draft's facts, notes and sources."""
    kind = get_doc_type(draft.doc_type)
    cited = sources.prompt_sources(draft.sources)
    return check_draft(content, kind.parse(draft.facts), notes=draft.notes, sources=cited)


def data_level(draft: DraftRecord) -> DataLevel:
    """The level every model request of this draft carries: the highest of its attached sources."""
    return sources.level_of(draft.sources)


def my_drafts(db: Session, user: User) -> list[DraftRecord]:
    return list(repository.drafts_of_owner(db, user.id))


def awaiting_review(db: Session, user: User) -> list[DraftRecord]:
    """Drafts this user may approve or return: their department's (every department for an admin)."""
    if user.role is Role.ADMIN:
        return list(repository.drafts_awaiting_review(db, None, exclude_owner=user.id))
    if user.role is Role.DEPARTMENT_HEAD and user.department_id is not None:
        return list(repository.drafts_awaiting_review(db, user.department_id, exclude_owner=user.id))
    return []


# --- creating and generating ------------------------------------------------------------------------------


def _check_options(tone: str, length: str) -> None:
    if tone not in TONES or length not in LENGTHS:
        raise ValidationFailed("drafting.error.option")


def create_draft(
    db: Session,
    user: User,
    doc_type: str,
    facts: Mapping[str, Any],
    *,
    notes: str = "",
    tone: str = "formal",
    length: str = "normal",
) -> DraftRecord:
    """A new draft from facts; :class:`~mokmin.drafting.errors.FactsInvalid` names every impossible fact."""
    kind = get_doc_type(doc_type)
    _check_options(tone, length)
    parsed = kind.parse(facts)
    draft = DraftRecord(
        owner_id=user.id,
        department_id=user.department_id,
        doc_type=kind.key,
        language=parsed.lang,
        title=kind.title(parsed)[:200],
        facts=parsed.model_dump(mode="json"),
        notes=notes.strip(),
        tone=tone,
        length=length,
        status=DraftStatus.DRAFT,
    )
    repository.add(db, draft)
    audit.append(
        db, "draft.create", audit.actor_of(user), target=f"draft:{draft.id}", details={"doc_type": kind.key}
    )
    return draft


def update_facts(
    db: Session,
    user: User,
    draft_id: int,
    facts: Mapping[str, Any],
    *,
    notes: str = "",
    tone: str = "formal",
    length: str = "normal",
) -> DraftRecord:
    """New facts for a draft being written (the next generation uses them)."""
    draft = _for_change(db, user, draft_id)
    _require_editable(user, draft)
    _check_options(tone, length)
    kind = get_doc_type(draft.doc_type)
    parsed = kind.parse(facts)
    draft.facts = parsed.model_dump(mode="json")
    draft.language = parsed.lang
    draft.title = kind.title(parsed)[:200]
    draft.notes, draft.tone, draft.length = notes.strip(), tone, length
    db.flush()
    return draft


def plan_generation(db: Session, user: User, draft_id: int) -> GenerationPlan:
    """Check that *user* may (re)write the draft and collect what the writer needs."""
    draft = _for_change(db, user, draft_id)
    _require_editable(user, draft)
    return GenerationPlan(
        draft_id=draft.id,
        doc_type=draft.doc_type,
        language=draft.language,
        facts=dict(draft.facts),
        notes=draft.notes,
        instruction=options_instruction(draft.language, draft.tone, draft.length),
        sources=sources.prompt_sources(draft.sources),
        level=data_level(draft),
    )


def _add_version(
    db: Session, user: User, draft: DraftRecord, content: Draft, kind: VersionKind, note: str = ""
) -> DraftVersion:
    markdown = export_markdown(content, None).decode("utf-8")
    row = DraftVersion(
        draft_id=draft.id,
        number=repository.next_version_number(db, draft.id),
        kind=kind,
        author_id=user.id,
        note=note.strip()[:500],
        model=content.label.model[:200],
        content=content.model_dump(mode="json"),
        markdown=markdown,
    )
    repository.add(db, row)
    draft.current_version = row.number
    draft.model = content.label.model[:200]
    draft.title = content.title[:200]
    db.flush()
    return row


def _check_counts(draft: DraftRecord, content: Draft) -> dict[str, int]:
    report = check(draft, content)
    return {"inventions": len(report.inventions), "conventions": len(report.conventions)}


def record_generation(db: Session, user: User, draft_id: int, content: Draft) -> DraftVersion:
    """Store a freshly generated draft as a new version (the draft may have been locked meanwhile)."""
    draft = _for_change(db, user, draft_id)
    _require_editable(user, draft)
    if content.doc_type != draft.doc_type:
        raise Conflict("drafting.error.conflict")
    row = _add_version(db, user, draft, content, VersionKind.GENERATE)
    audit.append(
        db,
        "draft.generate",
        audit.actor_of(user),
        target=f"draft:{draft.id}",
        response_digest=audit.text_digest(row.markdown),
        data_level=data_level(draft).value,
        details={"doc_type": draft.doc_type, "version": row.number, "model": row.model}
        | {"sources": [source.chunk_id for source in draft.sources]}
        | _check_counts(draft, content),
    )
    return row


@dataclass(frozen=True)
class RegenerationPlan:
    """What rewriting one section needs, read before the model is called (no database during the call)."""

    content: Draft
    facts: dict[str, Any]
    notes: str
    section_key: str
    instruction: str
    options: str
    sources: tuple[str, ...] = ()
    level: DataLevel = DataLevel.OPEN


def prepare_regeneration(
    db: Session, user: User, draft_id: int, section_key: str, instruction: str
) -> RegenerationPlan:
    """Check the request and gather what the writer needs; writes nothing."""
    draft = _for_change(db, user, draft_id)
    _require_editable(user, draft)
    latest = current(db, draft)
    if latest is None:
        raise Conflict("drafting.error.not_generated")
    _, content = latest
    require_prose_section(content, section_key)
    if len(instruction) > 500:
        raise ValidationFailed("drafting.error.instruction_long")
    options = options_instruction(draft.language, draft.tone, draft.length)
    return RegenerationPlan(
        content,
        draft.facts,
        draft.notes,
        section_key,
        instruction.strip(),
        options,
        sources.prompt_sources(draft.sources),
        data_level(draft),
    )


def rewrite_section(plan: RegenerationPlan, writer: WriteSection) -> Draft:
    """Call the model for the one section (no database: usage and audit are recorded by the gateway)."""
    instructed = InstructedWriter(writer, plan.options) if plan.options else writer
    fresh = render_section(
        plan.content,
        plan.facts,
        plan.section_key,
        instructed,
        notes=plan.notes,
        sources=plan.sources,
        instruction=plan.instruction,
    )
    fresh.label = fresh.label.model_copy(update={"model": model_name_of(writer, plan.content.label.model)})
    return fresh


def record_regeneration(
    db: Session, user: User, draft_id: int, plan: RegenerationPlan, fresh: Draft
) -> DraftVersion:
    """Store the rewritten draft as a new version (re-checking it is still editable)."""
    draft = _for_change(db, user, draft_id)
    _require_editable(user, draft)
    row = _add_version(db, user, draft, fresh, VersionKind.REGENERATE, note=plan.instruction)
    audit.append(
        db,
        "draft.regenerate",
        audit.actor_of(user),
        target=f"draft:{draft.id}",
        response_digest=audit.text_digest(row.markdown),
        data_level=plan.level.value,
        details={"section": plan.section_key, "version": row.number, "model": row.model}
        | _check_counts(draft, fresh),
    )
    return row


def regenerate_section(
    db: Session, user: User, draft_id: int, section_key: str, instruction: str, writer: WriteSection
) -> DraftVersion:
    """Write one prose section again (``더 짧게``, ``시민 눈높이로``); a new version, the rest untouched.

    Routes that call a real model use the three steps separately and end the read transaction before the
    model call (SQLite cannot write from a snapshot older than the gateway's own records).
    """
    plan = prepare_regeneration(db, user, draft_id, section_key, instruction)
    return record_regeneration(db, user, draft_id, plan, rewrite_section(plan, writer))


# --- editing ----------------------------------------------------------------------------------------------


def save_sections(
    db: Session,
    user: User,
    draft_id: int,
    texts: Mapping[str, str],
    *,
    note: str = "",
    autosave: bool = False,
) -> DraftVersion:
    """Save the clerk's edits as a version. Autosaves refresh the author's latest autosave version in place;
    a manual save (or any other step in between) starts a new one."""
    draft = _for_change(db, user, draft_id)
    _require_editable(user, draft)
    latest = current(db, draft)
    if latest is None:
        raise Conflict("drafting.error.not_generated")
    version, content = latest
    edited = apply_edits(content, draft.facts, texts)
    if autosave and version.kind is VersionKind.AUTOSAVE and version.author_id == user.id:
        if edited == content:
            return version
        version.content = edited.model_dump(mode="json")
        version.markdown = export_markdown(edited, None).decode("utf-8")
        db.flush()
        return version
    if autosave and edited == content:
        return version
    kind = VersionKind.AUTOSAVE if autosave else VersionKind.EDIT
    row = _add_version(db, user, draft, edited, kind, note=note)
    audit.append(
        db,
        "draft.autosave" if autosave else "draft.save",
        audit.actor_of(user),
        target=f"draft:{draft.id}",
        response_digest=audit.text_digest(row.markdown),
        details={"version": row.number, "sections": sorted(texts)},
    )
    return row


# --- sources ----------------------------------------------------------------------------------------------


def attach_source(db: Session, user: User, draft_id: int, reader: Reader, chunk_id: int) -> DraftSource:
    """Attach a knowledge-base passage *reader* (the author's rights) may read to a draft being written."""
    draft = _for_change(db, user, draft_id)
    _require_editable(user, draft)
    return sources.attach(db, user, draft, reader, chunk_id)


def detach_source(db: Session, user: User, draft_id: int, source_id: int) -> None:
    """Remove an attached passage from a draft being written."""
    draft = _for_change(db, user, draft_id)
    _require_editable(user, draft)
    sources.detach(db, user, draft, source_id)


# --- review -----------------------------------------------------------------------------------------------


def _review(db: Session, user: User, draft: DraftRecord, action: ReviewAction, comment: str) -> DraftReview:
    row = DraftReview(
        draft_id=draft.id, actor_id=user.id, action=action, version=draft.current_version, comment=comment
    )
    repository.add(db, row)
    audit.append(
        db,
        f"draft.{action.value}",
        audit.actor_of(user),
        target=f"draft:{draft.id}",
        details={"version": draft.current_version, "owner_id": draft.owner_id, "comment": bool(comment)},
    )
    return row


def submit(db: Session, user: User, draft_id: int, comment: str = "") -> DraftReview:
    """The author asks the department head to review the latest version."""
    draft = _for_change(db, user, draft_id)
    _require_editable(user, draft)
    if draft.current_version == 0:
        raise Conflict("drafting.error.not_generated")
    if draft.department_id is None:
        raise Conflict("drafting.error.no_department")
    draft.status = DraftStatus.SUBMITTED
    return _review(db, user, draft, ReviewAction.SUBMIT, comment.strip()[:2000])


def _for_review(db: Session, user: User, draft_id: int) -> DraftRecord:
    draft = _for_change(db, user, draft_id)
    if user.id == draft.owner_id:
        raise PermissionDenied("drafting.error.own_draft")
    if not can_review(user, draft):
        raise PermissionDenied("drafting.error.not_reviewer")
    if draft.status is DraftStatus.APPROVED:
        raise Locked("drafting.error.locked")
    if draft.status is not DraftStatus.SUBMITTED:
        raise Conflict("drafting.error.not_submitted")
    return draft


def approve(db: Session, user: User, draft_id: int, comment: str = "") -> DraftReview:
    """The department head approves: the draft is locked from now on."""
    draft = _for_review(db, user, draft_id)
    draft.status = DraftStatus.APPROVED
    return _review(db, user, draft, ReviewAction.APPROVE, comment.strip()[:2000])


def return_draft(db: Session, user: User, draft_id: int, comment: str) -> DraftReview:
    """The department head sends the draft back to its author, saying what to change."""
    if not comment.strip():
        raise ValidationFailed("drafting.error.comment_required")
    draft = _for_review(db, user, draft_id)
    draft.status = DraftStatus.RETURNED
    return _review(db, user, draft, ReviewAction.RETURN, comment.strip()[:2000])


# --- history and export -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffLine:
    """One line of a diff: ``+`` added, ``-`` removed, `` `` unchanged, ``@`` a hunk header."""

    sign: str
    text: str


def diff(db: Session, user: User, draft_id: int, old: int, new: int) -> list[DiffLine]:
    """Line diff of two versions' text (unified, three lines of context)."""
    draft = get_for_view(db, user, draft_id)
    first, second = repository.version(db, draft.id, old), repository.version(db, draft.id, new)
    if first is None or second is None:
        raise NotFound("drafting.error.no_version")
    before, after = content_of(first).plain().splitlines(), content_of(second).plain().splitlines()
    lines: list[DiffLine] = []
    for raw in difflib.unified_diff(before, after, f"v{old}", f"v{new}", lineterm="", n=3):
        if raw.startswith(("---", "+++")):
            continue
        lines.append(DiffLine(raw[:1] if raw[:1] in "+-@" else " ", raw[1:] if raw[:1] in "+- " else raw))
    return lines


def letterhead_for(draft: DraftRecord) -> Letterhead | None:
    """The letterhead printed on exports: the admin settings of the draft department's institution (its name
    alone until an admin enters the address and contacts; see :func:`letterhead_missing`)."""
    department = draft.department
    if department is None:
        return None
    return letterhead.letterhead_of(department.institution)


def letterhead_missing(draft: DraftRecord) -> list[str]:
    """Letterhead settings still empty for this draft's institution (``address``, ``phone``), for the notice."""
    department = draft.department
    return [] if department is None else letterhead.missing(department.institution)


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    media_type: str
    filename: str


def export_draft(db: Session, user: User, draft_id: int, fmt: str) -> ExportFile:
    """The latest version in *fmt* (hwpx, docx, pdf, md) with letterhead and AI label; audited."""
    if fmt not in MEDIA_TYPES:
        raise ValidationFailed("drafting.error.format", formats=", ".join(MEDIA_TYPES))
    draft = get_for_view(db, user, draft_id)
    latest = current(db, draft)
    if latest is None:
        raise Conflict("drafting.error.not_generated")
    version, content = latest
    data = export(content, letterhead_for(draft), fmt)
    audit.append(
        db,
        "draft.export",
        audit.actor_of(user),
        target=f"draft:{draft.id}",
        response_digest=hashlib.sha256(data).hexdigest(),
        details={"format": fmt, "version": version.number, "status": draft.status.value},
    )
    return ExportFile(data, MEDIA_TYPES[fmt], f"draft-{draft.id}-v{version.number}.{fmt}")
