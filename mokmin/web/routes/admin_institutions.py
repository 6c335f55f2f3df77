"""Admin settings for each institution's letterhead (address, contacts, logo) printed on exported documents.

Thin HTTP over :mod:`mokmin.drafting.letterhead`: the page lists every institution with its settings form;
a refused value is shown beside its input, and every change is audited as ``admin.letterhead``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from mokmin.core import org
from mokmin.core.errors import NotFound
from mokmin.core.i18n import translate
from mokmin.core.models import Institution
from mokmin.drafting import letterhead
from mokmin.drafting.letterhead import LetterheadInvalid
from mokmin.drafting.logo import MAX_LOGO_BYTES, MAX_LOGO_SIDE
from mokmin.web.deps import CSRF, DB, AdminUser, Lang, language
from mokmin.web.rendering import render

router = APIRouter(prefix="/admin/institutions", tags=["admin"])
Text = Annotated[str, Form(max_length=400)]


def _page(
    request: Request,
    db: DB,
    *,
    errors: dict[str, str] | None = None,
    posted: dict[str, str] | None = None,
    editing: int | None = None,
    status: int = 200,
) -> Response:
    institutions = org.list_institutions(db)
    lang = language(request)
    missing = {
        inst.id: [translate(f"drafting.letterhead.field.{name}", lang) for name in letterhead.missing(inst)]
        for inst in institutions
    }
    context: dict[str, Any] = {
        "institutions": institutions,
        "missing": missing,
        "fields": letterhead.FIELDS,
        "errors": errors or {},
        "posted": posted or {},
        "editing": editing,
        "max_logo_kb": MAX_LOGO_BYTES // 1024,
        "saved": request.query_params.get("saved"),
    }
    return render(request, "admin_institutions.html", context, status_code=status)


@router.get("")
def institutions(request: Request, db: DB, admin: AdminUser) -> Response:
    return _page(request, db)


def _institution(db: DB, institution_id: int) -> Institution:
    institution = db.get(Institution, institution_id)
    if institution is None:
        raise NotFound("org.institution_not_found")
    return institution


def _logo_bytes(upload: UploadFile | None) -> bytes | None:
    """The uploaded logo, or ``None`` when the file input was left empty (read one byte past the limit)."""
    if upload is None:
        return None
    data = upload.file.read(MAX_LOGO_BYTES + 1)
    return data if data or upload.filename else None


@router.post("/{institution_id}", dependencies=[CSRF])
def save(
    request: Request,
    db: DB,
    admin: AdminUser,
    lang: Lang,
    institution_id: int,
    address: Text = "",
    postcode: Text = "",
    phone: Text = "",
    fax: Text = "",
    homepage: Text = "",
    remove_logo: Annotated[str, Form(max_length=5)] = "",
    logo: Annotated[UploadFile | None, File()] = None,
) -> Response:
    posted = {"address": address, "postcode": postcode, "phone": phone, "fax": fax, "homepage": homepage}
    data = _logo_bytes(logo)
    institution = _institution(db, institution_id)
    try:
        fields = letterhead.parse_fields(posted)
        letterhead.update_letterhead(
            db, admin, institution, fields, logo=data, remove_logo=remove_logo == "1"
        )
    except LetterheadInvalid as exc:
        errors = {
            name: translate(key, lang, limit=MAX_LOGO_BYTES // 1024, side=MAX_LOGO_SIDE)
            for name, key in exc.problems.items()
        }
        return _page(request, db, errors=errors, posted=posted, editing=institution_id, status=exc.status)
    return RedirectResponse(f"/admin/institutions?saved={institution.id}#inst-{institution.id}", 303)


@router.get("/{institution_id}/logo")
def logo(db: DB, admin: AdminUser, institution_id: int) -> Response:
    """The stored logo, for the preview on the settings page."""
    institution = _institution(db, institution_id)
    if institution.logo_type is None or institution.logo is None:
        raise NotFound("drafting.logo.none")
    media = "image/png" if institution.logo_type == "png" else "image/jpeg"
    return Response(institution.logo, media_type=media, headers={"cache-control": "private, no-store"})
