"""Exports reopen and contain the title, sections, AI label and letterhead, in the body and the metadata."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest

from mokmin.drafting import Letterhead, export, render
from mokmin.drafting.draft import Draft
from mokmin.drafting.export import find_korean_font
from tests.fixtures.drafting import LETTER, PRESS_RELEASE


@pytest.fixture(scope="module")
def draft() -> Draft:
    return render("press_release", PRESS_RELEASE, model_name="test-model-7b")


@pytest.fixture(scope="module")
def letterhead() -> Letterhead:
    return Letterhead(
        institution="한빛시청", address="한빛시 한빛로 1", phone="044-000-3121", postcode="00000"
    )


def _expected_texts(draft: Draft) -> list[str]:
    return [
        draft.title,
        draft.section("lead").blocks[0].text[:20],
        "보도 시점  2026. 12. 2.(수) 11:00 이후 (엠바고)",
        "붙임  1. 개관식 행사 개요 1부.",
        "test-model-7b",
        "제31조",
        "한빛시청",
        "044-000-3121",
    ]


def test_hwpx_reopens_with_content_label_and_metadata(draft: Draft, letterhead: Letterhead) -> None:
    from hwpx import HwpxDocument, validate_package

    data = export(draft, letterhead, "hwpx")
    assert not [i for i in validate_package(data).issues if i.level == "error"]
    document = HwpxDocument.open(data)
    text = document.text.plain()
    for needle in _expected_texts(draft):
        assert needle in text, needle
    assert "과장 오민석 (044-000-2510)" in text  # the contact table
    meta = document.parts.metadata
    assert meta is not None
    assert meta.title == draft.title
    assert meta.creator == "한빛시청"
    assert meta.subject is not None and "test-model-7b" in meta.subject
    assert meta.keyword is not None and "AI-assisted" in meta.keyword
    assert meta.lastsaveby is None  # the template's author does not leak into our files
    assert not document.validate().issues


def test_docx_reopens_with_content_label_and_metadata(draft: Draft, letterhead: Letterhead) -> None:
    import docx

    document = docx.Document(io.BytesIO(export(draft, letterhead, "docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n" + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    for needle in _expected_texts(draft):
        assert needle in text, needle
    props = document.core_properties
    assert props.title == draft.title
    assert "test-model-7b" in props.subject and "AI-assisted" in props.keywords
    assert props.author == "한빛시청"


def test_markdown_has_front_matter_and_keeps_symbols_literal(letterhead: Letterhead) -> None:
    letter = render("letter", LETTER)
    text = export(letter, letterhead, "md").decode("utf-8")
    assert text.startswith('---\ntitle: "가람동 보안등 고장 민원 처리 결과 알림"\n')
    assert "ai_assisted: true" in text and "ai_model:" in text
    assert "1\\. 관련: 도로관리과-4812(2026. 11. 20.)" in text
    assert "\u00a0\u00a0나. 수리비: 금113,560원(금일십일만삼천오백육십원)" in text
    assert "# 한빛시청" not in text and "한빛시청" in text


def _png(path: Path) -> Path:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    raw = zlib.compress(b"\x00\xff\x00\x00" * 1)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", raw)
        + chunk(b"IEND", b"")
    )
    return path


def test_logo_is_embedded(draft: Draft, tmp_path: Path) -> None:
    import docx
    from hwpx import HwpxDocument

    head = Letterhead(
        institution="한빛시청",
        address="한빛시 한빛로 1",
        phone="044-000-3121",
        logo_path=_png(tmp_path / "logo.png"),
    )
    assert len(docx.Document(io.BytesIO(export(draft, head, "docx"))).inline_shapes) == 1
    document = HwpxDocument.open(export(draft, head, "hwpx"))
    assert "한빛시청" in document.text.plain()


def test_letterhead_refuses_missing_logo_and_bad_phone(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="로고"):
        Letterhead(
            institution="한빛시", address="주소", phone="044-000-3121", logo_path=tmp_path / "none.png"
        )
    with pytest.raises(ValueError, match="전화번호"):
        Letterhead(institution="한빛시", address="주소", phone="4400")


@pytest.mark.skipif(
    find_korean_font() is None, reason="no Korean font installed (apt-get install fonts-nanum)"
)
def test_pdf_has_text_and_label_metadata(draft: Draft, letterhead: Letterhead) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(export(draft, letterhead, "pdf")))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "보도자료" in text and "한빛시청" in text
    assert reader.metadata is not None
    assert "test-model-7b" in str(reader.metadata.subject)
