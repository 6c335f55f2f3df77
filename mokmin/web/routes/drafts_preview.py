"""Confirm before a draft's prompts leave: what the guard finds in them and what the gateway will do with it.

The studio asks here before it generates (or rewrites a section). The prompts are built exactly as generation
builds them (a capturing writer runs the same composition, so tone, length, notes and attached sources are in
them), then each section prompt is inspected and routed as the gateway would route it for the studio's model
at the draft's data level. Nothing is sent and nothing is stored; the page shows a dialog only when an
external model would answer and personal data was found.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from mokmin.core.errors import MokminError
from mokmin.core.i18n import Language
from mokmin.core.levels import DataLevel, Locality
from mokmin.core.models import User
from mokmin.drafting import service
from mokmin.drafting.composing import LENGTHS, TONES, GenerationPlan, compose, options_instruction
from mokmin.drafting.doctypes import DocType, get_doc_type
from mokmin.drafting.errors import FactsInvalid
from mokmin.drafting.form import facts_from_form
from mokmin.gateway.routing import candidates, route
from mokmin.guard.outbound import inspect
from mokmin.guard.policy import Action
from mokmin.web.deps import CSRF, DB, CurrentUser, Lang
from mokmin.web.routes.drafts import Posted, section_writer
from mokmin.web.writers import SYSTEM_PROMPT, GatewaySectionWriter

router = APIRouter(prefix="/drafts", tags=["drafting"])


class PreviewSpan(BaseModel):
    start: int
    end: int
    type: str


class SectionPreview(BaseModel):
    """One section prompt as the gateway would treat it."""

    key: str
    title: str
    prompt: str
    spans: list[PreviewSpan]
    level: str
    provider: str
    locality: str
    action: str
    masked: str | None
    confirm: bool


class DraftPreview(BaseModel):
    """``confirm`` is true when an external model would receive personal data: the page asks first.

    ``refused`` carries the gateway's refusal (e.g. classified data and only external models); ``invalid``
    says the facts are impossible, which generation itself reports beside the inputs.
    """

    confirm: bool
    level: str
    model: str | None = None
    findings: dict[str, int] = {}
    sections: list[SectionPreview] = []
    refused: str | None = None
    invalid: bool = False


class PromptCapture:
    """A writer that writes nothing and keeps each prompt it is given, in order."""

    offline = True

    def __init__(self) -> None:
        self.prompts: list[tuple[str, str]] = []

    def __call__(self, section_key: str, prompt: str) -> Iterator[str]:
        self.prompts.append((section_key, prompt))
        return iter(())


def _posted_plan(kind: type[DocType], posted: dict[str, str], base: GenerationPlan) -> GenerationPlan:
    """*base* with the facts, notes, tone and length the form is about to post (raises FactsInvalid)."""
    parsed = kind.parse(facts_from_form(kind, posted))
    tone = posted.get("tone", "formal")
    length = posted.get("length", "normal")
    tone = tone if tone in TONES else "formal"
    length = length if length in LENGTHS else "normal"
    return replace(
        base,
        language=parsed.lang,
        facts=parsed.model_dump(mode="json"),
        notes=posted.get("notes", "")[:5000].strip(),
        instruction=options_instruction(parsed.lang, tone, length),
    )


def _section_prompts(plan: GenerationPlan) -> list[tuple[str, str]]:
    capture = PromptCapture()
    compose(plan, capture)
    return capture.prompts


def _inspect_section(
    writer: GatewaySectionWriter, key: str, title: str, prompt: str
) -> tuple[SectionPreview, dict[str, int]]:
    """Guard and route one section prompt like :meth:`Gateway.stream` does (system prompt included)."""
    gateway = writer.gateway
    options = candidates(gateway.registered(), writer.caller, writer.model_name)
    inspection = inspect([SYSTEM_PROMPT, prompt], writer.level)
    target = route(options, inspection, gateway.policy_overrides())[0]
    action = target.prepared.action
    locality = Locality(target.provider.config.locality)
    spans = [PreviewSpan(start=s.start, end=s.end, type=str(s.type)) for s in inspection.spans[1]]
    preview = SectionPreview(
        key=key,
        title=title,
        prompt=prompt,
        spans=spans,
        level=inspection.level.value,
        provider=target.name,
        locality=locality.value,
        action=action.value,
        masked=target.prepared.texts[1] if action is Action.PSEUDONYMIZE else None,
        confirm=locality is Locality.EXTERNAL and bool(spans),
    )
    return preview, inspection.findings


def preview_prompts(
    request: Request, user: User, plan: GenerationPlan, prompts: list[tuple[str, str]], lang: Language
) -> DraftPreview:
    """What sending *prompts* for *plan*'s draft would do, section by section, or the refusal it would meet."""
    try:
        writer = section_writer(request, user, plan.doc_type, plan.level)
    except MokminError as exc:
        return DraftPreview(confirm=False, level=plan.level.value, refused=exc.localized(lang))
    if not isinstance(writer, GatewaySectionWriter):
        # Not the governed path (offline writer, or a test double): nothing goes through the gateway here.
        return DraftPreview(confirm=False, level=plan.level.value)
    kind = get_doc_type(plan.doc_type)
    english = plan.language == "en"
    titles = {s.key: s.title_en if english else s.title_ko for s in kind.sections}
    sections: list[SectionPreview] = []
    findings: dict[str, int] = {}
    level = plan.level
    try:
        for key, prompt in prompts:
            section, found = _inspect_section(writer, key, titles.get(key, key), prompt)
            sections.append(section)
            level = DataLevel.highest(level, DataLevel(section.level))
            for name, count in found.items():
                findings[name] = findings.get(name, 0) + count
    except MokminError as exc:
        return DraftPreview(
            confirm=False, level=level.value, model=writer.model_name, refused=exc.localized(lang)
        )
    return DraftPreview(
        confirm=any(s.confirm for s in sections),
        level=level.value,
        model=writer.model_name,
        findings=dict(sorted(findings.items())),
        sections=sections,
    )


@router.post("/new/{doc_type}/preview", dependencies=[CSRF])
def preview_new(
    request: Request, user: CurrentUser, lang: Lang, doc_type: str, posted: Posted
) -> DraftPreview:
    """The preview of a first generation, from the facts the form is about to post (no sources yet)."""
    kind = get_doc_type(doc_type)
    empty = GenerationPlan(draft_id=0, doc_type=kind.key, language="ko", facts={}, notes="", instruction="")
    try:
        plan = _posted_plan(kind, posted, empty)
    except FactsInvalid:
        return DraftPreview(confirm=False, level=DataLevel.OPEN.value, invalid=True)
    return preview_prompts(request, user, plan, _section_prompts(plan), lang)


@router.post("/{draft_id}/preview", dependencies=[CSRF])
def preview_draft(
    request: Request, db: DB, user: CurrentUser, lang: Lang, draft_id: int, posted: Posted
) -> DraftPreview:
    """The preview of regenerating a draft the user may edit: the posted facts, its sources and level.

    With ``section`` (and ``instruction``) posted, only the rewrite of that section is previewed, from the
    stored facts, as the section form does.
    """
    base = _editable_plan(db, user, draft_id)
    if posted.get("section"):
        prompts = _rewrite_prompts(db, user, draft_id, posted)
        db.commit()  # end the read snapshot: the gateway reads its catalog in transactions of its own
        return preview_prompts(request, user, base, prompts, lang)
    try:
        plan = _posted_plan(get_doc_type(base.doc_type), posted, base)
    except FactsInvalid:
        return DraftPreview(confirm=False, level=base.level.value, invalid=True)
    db.commit()
    return preview_prompts(request, user, plan, _section_prompts(plan), lang)


def _editable_plan(db: Session, user: User, draft_id: int) -> GenerationPlan:
    """The draft's generation plan; another user's draft is refused as it is by the studio (403, same message)."""
    return service.plan_generation(db, user, draft_id)


def _rewrite_prompts(db: Session, user: User, draft_id: int, posted: dict[str, str]) -> list[tuple[str, str]]:
    """The one prompt that rewriting ``posted["section"]`` would send (tone, length and instruction in it)."""
    plan = service.prepare_regeneration(
        db, user, draft_id, posted["section"][:64], posted.get("instruction", "")[:500]
    )
    capture = PromptCapture()
    service.rewrite_section(plan, capture)
    return capture.prompts
