"""The office letterhead kept in admin settings: what admins may enter, and what exports print from it.

Each institution (the city, each affiliated body) has its own letterhead: address, postcode, phone, fax,
homepage and a logo. Nothing is required, so a fresh installation exports at once with the institution's
name alone; :func:`missing` tells the studio what an admin still has to enter. Services never commit.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from mokmin.core.errors import MokminError, ValidationFailed
from mokmin.core.models import Institution, User
from mokmin.drafting.export import Letterhead
from mokmin.drafting.facts import Phone
from mokmin.drafting.logo import inspect_logo
from mokmin.guard import audit

__all__ = [
    "FIELDS",
    "LetterheadFields",
    "LetterheadInvalid",
    "letterhead_of",
    "missing",
    "parse_fields",
    "update_letterhead",
]

FIELDS = ("address", "postcode", "phone", "fax", "homepage")
#: What an export needs before its contact line is complete (the rest is optional).
REQUIRED_FOR_EXPORT = ("address", "phone")
_LIMITS = {"address": 160, "postcode": 5, "phone": 20, "fax": 20, "homepage": 100}
_POSTCODE = re.compile(r"^\d{5}$")
_HOMEPAGE = re.compile(r"^(?:https?://)?[A-Za-z0-9가-힣-]+(?:\.[A-Za-z0-9가-힣-]+)+(?:/[^\s]*)?$")
_PHONE = TypeAdapter(Phone)


@dataclass(frozen=True)
class LetterheadFields:
    """The text settings of one letterhead, cleaned; ``None`` means not set."""

    address: str | None = None
    postcode: str | None = None
    phone: str | None = None
    fax: str | None = None
    homepage: str | None = None


class LetterheadInvalid(ValidationFailed):
    """Some settings cannot be right; ``problems`` maps each field to the catalogue key saying why."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("drafting.letterhead.invalid", fields=", ".join(problems))
        self.problems = problems


def _phone_ok(value: str) -> bool:
    try:
        _PHONE.validate_python(value)
    except ValidationError:
        return False
    return True


_CHECKS: dict[str, Callable[[str], bool]] = {
    "postcode": lambda value: bool(_POSTCODE.match(value)),
    "phone": _phone_ok,
    "fax": _phone_ok,
    "homepage": lambda value: bool(_HOMEPAGE.match(value)),
    "address": lambda value: True,
}


def parse_fields(raw: Mapping[str, str]) -> LetterheadFields:
    """The posted settings, cleaned; :class:`LetterheadInvalid` names every field that cannot be right."""
    values: dict[str, str | None] = {}
    problems: dict[str, str] = {}
    for name in FIELDS:
        value = " ".join(str(raw.get(name, "")).split())
        if not value:
            values[name] = None
        elif len(value) > _LIMITS[name] or not _CHECKS[name](value):
            problems[name] = f"drafting.letterhead.error.{name}"
        else:
            values[name] = value
    if problems:
        raise LetterheadInvalid(problems)
    return LetterheadFields(**values)


def update_letterhead(
    db: Session,
    admin: User,
    institution: Institution,
    fields: LetterheadFields,
    *,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> list[str]:
    """Store new settings (and a new logo, or remove it); audited as ``admin.letterhead``. Returns what changed."""
    logo_type = None
    if logo is not None:
        try:
            logo_type = inspect_logo(logo).kind
        except MokminError as exc:
            raise LetterheadInvalid({"logo": exc.message}) from None
    changed = [name for name in FIELDS if getattr(institution, name) != getattr(fields, name)]
    for name in changed:
        setattr(institution, name, getattr(fields, name))
    details: dict[str, object] = {"fields": list(changed)}
    if logo is not None:
        institution.logo, institution.logo_type = logo, logo_type
        changed.append("logo")
        details |= {"logo_sha256": hashlib.sha256(logo).hexdigest(), "logo_bytes": len(logo)}
    elif remove_logo and institution.logo_type is not None:
        institution.logo, institution.logo_type = None, None
        changed.append("logo")
        details["logo_removed"] = True
    db.flush()
    audit.append(
        db,
        "admin.letterhead",
        audit.actor_of(admin),
        target=f"institution:{institution.code}",
        details=details,
    )
    return changed


def letterhead_of(institution: Institution) -> Letterhead:
    """The letterhead an export prints for *institution* (name only until the admin fills in the rest)."""
    return Letterhead(
        institution=institution.name[:80],
        address=institution.address or None,
        postcode=institution.postcode or None,
        phone=institution.phone or None,
        fax=institution.fax or None,
        homepage=institution.homepage or None,
        logo=institution.logo if institution.logo_type else None,
    )


def missing(institution: Institution) -> list[str]:
    """The settings an export still lacks (``address``, ``phone``); empty once the letterhead is complete."""
    return [name for name in REQUIRED_FOR_EXPORT if not getattr(institution, name)]
