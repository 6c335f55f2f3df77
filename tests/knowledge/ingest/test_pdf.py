import pytest

from mokmin.knowledge.errors import BrokenDocument, DocumentTooComplex, EncryptedDocument
from mokmin.knowledge.ingest.base import BlockKind
from mokmin.knowledge.ingest.pdf import parse_pdf
from mokmin.knowledge.safety import Deadline, Limits
from tests.knowledge.files import sample_pdf

PAGES = [
    ["제1장 총칙", "제1조(목적) 이 조례는 주차장에 관한 사항을 정한다."],
    ["2. 요금", "요금은 시간당 1,000원이다."],
]


def _parse(data: bytes, limits: Limits = Limits()):
    return parse_pdf(data, limits, Deadline(10))


def test_text_layer_with_pages_and_headings():
    document = _parse(sample_pdf(PAGES))
    assert document.page_count == 2
    assert document.title == "주차장 백서"
    assert [(b.kind, b.page, b.text) for b in document.blocks] == [
        (BlockKind.HEADING, 1, "제1장 총칙"),
        (BlockKind.HEADING, 1, "제1조(목적)"),
        (BlockKind.PARAGRAPH, 1, "이 조례는 주차장에 관한 사항을 정한다."),
        (BlockKind.HEADING, 2, "2. 요금"),
        (BlockKind.PARAGRAPH, 2, "요금은 시간당 1,000원이다."),
    ]


def test_declared_huge_object_count_is_refused_before_parsing():
    data = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Size 50000000 /Root 1 0 R >>\n%%EOF"
    with pytest.raises(DocumentTooComplex):
        _parse(data)


def test_actual_object_count_is_bounded():
    body = b"".join(b"%d 0 obj null endobj\n" % n for n in range(1, 2001))
    with pytest.raises(DocumentTooComplex):
        _parse(b"%PDF-1.7\n" + body + b"%%EOF", Limits(max_pdf_objects=1000))


def test_page_count_is_bounded():
    with pytest.raises(DocumentTooComplex):
        _parse(sample_pdf([["하나"], ["둘"], ["셋"]]), Limits(max_pages=2))


def test_encrypted_pdf_is_refused():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "secret")
    with pytest.raises(EncryptedDocument):
        _parse(bytes(pdf.output()))


def test_garbage_after_magic_is_broken():
    with pytest.raises(BrokenDocument):
        _parse(b"%PDF-1.7\n this is not a pdf at all")


def test_objects_hidden_in_object_streams_are_counted():
    stream = b"1 0 obj << /Type /ObjStm /N 9000000 /First 10 /Length 0 >> stream\nendstream endobj\n"
    data = b"%PDF-1.7\n" + stream + b"trailer << /Size 3 >>\n%%EOF"
    with pytest.raises(DocumentTooComplex):
        _parse(data)
