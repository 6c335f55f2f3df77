import pytest

from mokmin.knowledge.errors import ArchiveBomb, BrokenDocument, UnsafeArchivePath, UnsafeXml
from mokmin.knowledge.ingest.base import BlockKind
from mokmin.knowledge.ingest.hwpx import parse_hwpx
from mokmin.knowledge.safety import Deadline, Limits
from tests.knowledge.files import BILLION_LAUGHS, rezip, sample_hwpx


def _parse(data: bytes):
    return parse_hwpx(data, Limits(), Deadline(10))


def test_heading_style_paragraph_and_table():
    document = _parse(sample_hwpx())
    assert [(b.kind, b.level, b.text) for b in document.blocks] == [
        (BlockKind.HEADING, 1, "제1장 총칙"),
        (BlockKind.PARAGRAPH, 0, "이 조례는 공영주차장 관리에 관한 사항을 정한다."),
        (BlockKind.TABLE, 0, "구분 | 요금\n소형 | 1,000원"),
    ]
    assert document.title == "제1장 총칙"


def test_billion_laughs_in_a_section_is_refused():
    with pytest.raises(UnsafeXml):
        _parse(rezip(sample_hwpx(), {"Contents/section0.xml": BILLION_LAUGHS}))


def test_external_entity_is_refused():
    xxe = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    with pytest.raises(UnsafeXml):
        _parse(rezip(sample_hwpx(), {"Contents/header.xml": xxe}))


def test_path_traversal_entry_is_refused():
    with pytest.raises(UnsafeArchivePath):
        _parse(rezip(sample_hwpx(), {}, extra={"../../etc/cron.d/evil": b"x"}))


def test_zip_bomb_entry_is_refused():
    with pytest.raises(ArchiveBomb):
        _parse(rezip(sample_hwpx(), {}, extra={"Contents/bomb.bin": b"\x00" * (8 * 1024 * 1024)}))


def test_zip_without_sections_is_broken():
    with pytest.raises(BrokenDocument):
        _parse(rezip(sample_hwpx(), {}, extra={}).replace(b"Contents/section0.xml", b"Contents/sectionX.xml"))
