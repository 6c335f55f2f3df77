"""Letterhead settings (mokmin/drafting/letterhead.py) on both databases: validation per field, audited updates,
and exports that print what the admin entered — or the institution's name alone until they do."""

from __future__ import annotations

import io

import docx
import pytest
from hwpx import HwpxDocument
from sqlalchemy import select
from sqlalchemy.orm import Session

from mokmin.core.models import Institution
from mokmin.drafting import export, render
from mokmin.drafting.export import Letterhead, export_blocks
from mokmin.drafting.letterhead import (
    LetterheadFields,
    LetterheadInvalid,
    letterhead_of,
    missing,
    parse_fields,
    update_letterhead,
)
from mokmin.guard.models import AuditEvent
from tests.fixtures.drafting import PRESS_RELEASE
from tests.fixtures.drafting_extras import png
from tests.fixtures.drafting_studio import user

GOOD = {
    "address": "  목민시 목민로   1 ",
    "postcode": "30100",
    "phone": "044-000-3121",
    "fax": "044-000-3199",
    "homepage": "www.mokmin.go.kr",
}


def test_settings_are_cleaned_and_blank_ones_left_unset() -> None:
    fields = parse_fields({**GOOD, "fax": "  ", "homepage": ""})
    assert fields == LetterheadFields("목민시 목민로 1", "30100", "044-000-3121", None, None)


def test_every_wrong_field_is_named() -> None:
    wrong = {
        "postcode": "301",
        "phone": "3121",
        "fax": "02-12-1",
        "homepage": "목민시청",
        "address": "가" * 161,
    }
    with pytest.raises(LetterheadInvalid) as caught:
        parse_fields(wrong)
    assert caught.value.problems == {name: f"drafting.letterhead.error.{name}" for name in wrong}
    assert caught.value.status == 422


def _city(db: Session) -> Institution:
    return db.scalars(select(Institution).where(Institution.code == "mokmin-city")).one()


def test_update_is_audited_and_exports_print_it(demo: Session) -> None:
    city = _city(demo)
    assert missing(city) == ["address", "phone"]
    changed = update_letterhead(demo, user(demo, "admin"), city, parse_fields(GOOD), logo=png(4, 4))
    assert changed == ["address", "postcode", "phone", "fax", "homepage", "logo"]
    assert missing(city) == [] and city.logo_type == "png"
    event = demo.scalars(select(AuditEvent).where(AuditEvent.action == "admin.letterhead")).one()
    assert event.target == "institution:mokmin-city" and event.details["logo_bytes"] == len(png(4, 4))

    head = letterhead_of(city)
    assert (
        head.contact_line()
        == "(30100) 목민시 목민로 1 · 전화 044-000-3121 · 팩스 044-000-3199 · www.mokmin.go.kr"
    )
    draft = render("press_release", PRESS_RELEASE)
    document = docx.Document(io.BytesIO(export(draft, head, "docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "목민시청" in text and "(30100) 목민시 목민로 1" in text and len(document.inline_shapes) == 1
    hwpx = HwpxDocument.open(export(draft, head, "hwpx")).text.plain()
    assert "목민시청" in hwpx and "팩스 044-000-3199" in hwpx

    again = update_letterhead(demo, user(demo, "admin"), city, parse_fields(GOOD), remove_logo=True)
    assert again == ["logo"] and city.logo is None and letterhead_of(city).logo is None


def test_a_bad_logo_is_refused_and_nothing_changes(demo: Session) -> None:
    city = _city(demo)
    with pytest.raises(LetterheadInvalid) as caught:
        update_letterhead(demo, user(demo, "admin"), city, parse_fields(GOOD), logo=b"GIF89a....")
    assert caught.value.problems == {"logo": "drafting.logo.format"}
    assert city.address is None and city.logo_type is None


def test_without_settings_the_export_carries_the_name_only() -> None:
    head = Letterhead(institution="목민시청")
    draft = render("press_release", PRESS_RELEASE)
    blocks = export_blocks(draft, head)
    assert [(b.kind, b.text) for b in blocks[:2]] == [("letterhead", "목민시청"), ("letterhead", "보도자료")]
    assert 'author: "목민시청"' in export(draft, head, "md").decode("utf-8")
    assert head.contact_line() == "" and head.logo_image() is None
    english = Letterhead(institution="Mokmin City Hall", phone="044-000-3121", fax="044-000-3199")
    assert english.contact_line("en") == "Tel 044-000-3121 · Fax 044-000-3199"


def test_letterhead_refuses_logo_bytes_that_are_no_image() -> None:
    with pytest.raises(ValueError, match="로고"):
        Letterhead(institution="목민시청", logo=b"not an image")
