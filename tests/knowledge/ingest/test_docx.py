import pytest

from mokmin.knowledge.errors import BrokenDocument, UnsafeXml
from mokmin.knowledge.ingest.base import BlockKind
from mokmin.knowledge.ingest.docx import parse_docx
from mokmin.knowledge.safety import Deadline, Limits
from tests.knowledge.files import BILLION_LAUGHS, rezip, sample_docx


def _parse(data: bytes):
    return parse_docx(data, Limits(), Deadline(10))


def test_headings_paragraphs_tables_and_title():
    document = _parse(sample_docx())
    assert document.title == "주차장 운영 계획"
    assert [(b.kind, b.level, b.text) for b in document.blocks] == [
        (BlockKind.HEADING, 1, "1. 추진 배경"),
        (BlockKind.PARAGRAPH, 0, "공영주차장 이용이 늘어 요금 체계를 정비하고자 함."),
        (BlockKind.HEADING, 2, "가. 현황"),
        (BlockKind.TABLE, 0, "구분 | 면수\n노상 | 120"),
    ]


def test_billion_laughs_in_document_xml_is_refused():
    with pytest.raises(UnsafeXml):
        _parse(rezip(sample_docx(), {"word/document.xml": BILLION_LAUGHS}))


def test_truncated_docx_is_broken():
    data = sample_docx()
    with pytest.raises(BrokenDocument):
        _parse(data[: len(data) // 2])
