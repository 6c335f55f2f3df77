import pytest

from mokmin.knowledge.errors import (
    BrokenDocument,
    EncryptedDocument,
    FileTooLarge,
    ParseTimeout,
    UnsupportedFormat,
)
from mokmin.knowledge.ingest.base import DocumentFormat
from mokmin.knowledge.ingest.registry import detect_format, parse_document
from mokmin.knowledge.safety import Limits
from tests.knowledge.files import build_ole, sample_docx, sample_hwp, sample_hwpx, sample_pdf


def test_content_decides_the_format_not_the_name():
    assert detect_format(sample_docx(), "renamed.txt") == DocumentFormat.DOCX
    assert detect_format(sample_hwpx(), "report.zip") == DocumentFormat.HWPX
    assert detect_format(sample_hwp(), "x.bin") == DocumentFormat.HWP
    assert detect_format(sample_pdf([["가"]]), "x") == DocumentFormat.PDF
    assert detect_format(b"# title", "notes.md") == DocumentFormat.MARKDOWN
    assert detect_format(b"<html><body>x</body></html>", "page") == DocumentFormat.HTML


def test_extension_that_lies_about_a_binary_format_is_broken():
    with pytest.raises(BrokenDocument):
        detect_format(b"plain words", "plan.hwpx")


def test_unknown_binary_is_unsupported():
    with pytest.raises(UnsupportedFormat):
        parse_document(b"\x00\x01\x02 binary", "image.png")


def test_encrypted_office_document_is_refused():
    data = build_ole({"EncryptionInfo": b"\x04\x00" * 20, "EncryptedPackage": b"\x00" * 100})
    with pytest.raises(EncryptedDocument) as raised:
        parse_document(data, "secret.docx")
    assert "암호" in raised.value.message


def test_oversized_file_is_refused_with_its_size():
    with pytest.raises(FileTooLarge) as raised:
        parse_document(b"x" * 2048, "big.txt", Limits(max_file_bytes=1024))
    assert raised.value.status == 413
    assert raised.value.message == "파일이 너무 큽니다(2 KB). 1 KB 이하만 올릴 수 있습니다."


def test_time_budget_is_enforced():
    with pytest.raises(ParseTimeout):
        parse_document("가\f".encode() * 10, "pages.txt", Limits(time_budget_s=-1))


def test_title_falls_back_to_the_file_name():
    assert parse_document("본문만 있는 문서입니다.".encode(), "2026 주차 안내.txt").title == "2026 주차 안내"
