"""The standalone document checker page: paste or upload a hand-written document and see its check report.

Thin HTTP over :mod:`mokmin.drafting.checking`. Open to every signed-in user; the text never reaches a model.
Each check is audited with a digest of the text only.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from mokmin.core.errors import MokminError
from mokmin.drafting.checking import EXTENSIONS, MAX_FILE_BYTES, MAX_TEXT_CHARS, check_document, text_of_file
from mokmin.drafting.conventions import Language
from mokmin.drafting.doctypes import DOC_TYPES
from mokmin.guard import audit
from mokmin.web.deps import CSRF, DB, CurrentUser, Lang
from mokmin.web.rendering import render

router = APIRouter(prefix="/drafts", tags=["drafting"])
LANGUAGES: dict[str, Language] = {"ko": "ko", "en": "en"}


def _page(request: Request, posted: dict[str, str], extra: dict[str, Any], status: int = 200) -> Response:
    context = {
        "doc_types": list(DOC_TYPES.values()),
        "posted": posted,
        "accept": ",".join(sorted(EXTENSIONS)),
        "max_mb": MAX_FILE_BYTES // (1024 * 1024),
        "max_chars": MAX_TEXT_CHARS,
        **extra,
    }
    return render(request, "drafts_check.html", context, status_code=status)


@router.get("/check")
def check_page(request: Request, user: CurrentUser) -> Response:
    return _page(request, {}, {})


@router.post("/check", dependencies=[CSRF])
def check(
    request: Request,
    db: DB,
    user: CurrentUser,
    lang: Lang,
    text: Annotated[str, Form(max_length=MAX_TEXT_CHARS * 2)] = "",
    doc_type: Annotated[str, Form(max_length=40)] = "",
    language: Annotated[str, Form(max_length=5)] = "",
    facts: Annotated[str, Form(max_length=100_000)] = "",
    notes: Annotated[str, Form(max_length=20_000)] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    posted = {"text": text, "doc_type": doc_type, "language": language, "facts": facts, "notes": notes}
    try:
        if file is not None and file.filename:
            text = text_of_file(file.file.read(MAX_FILE_BYTES + 1), file.filename)
            posted["text"] = text
        checked = check_document(
            text,
            doc_type=doc_type or None,
            language=LANGUAGES.get(language),
            facts_json=facts,
            notes=notes,
        )
    except MokminError as exc:
        return _page(request, posted, {"error": exc.localized(lang)}, status=exc.status)
    report = checked.report
    audit.append(
        db,
        "draft.check",
        audit.actor_of(user),
        target="document",
        request_digest=audit.text_digest(text),
        details={
            "doc_type": report.doc_type,
            "conventions": len(report.conventions),
            "inventions": len(report.inventions),
            "file": bool(file is not None and file.filename),
        },
    )
    return _page(request, posted, {"checked": checked, "report": report})
