import struct

import pytest

from mokmin.knowledge.errors import ArchiveBomb, BrokenDocument, DocumentTooComplex, EncryptedDocument
from mokmin.knowledge.ingest.base import BlockKind
from mokmin.knowledge.ingest.hwp import decode_para_text, parse_hwp, parse_records
from mokmin.knowledge.safety import Deadline, Limits
from tests.knowledge.files import (
    build_ole,
    deflate,
    file_header,
    para_header,
    para_text,
    record,
    sample_hwp,
)


def _parse(data: bytes, limits: Limits = Limits()):
    return parse_hwp(data, limits, Deadline(10))


def test_headings_articles_and_tables_survive():
    document = _parse(sample_hwp())
    kinds = [(block.kind, block.text) for block in document.blocks]
    assert kinds[:3] == [
        (BlockKind.HEADING, "제1장 총칙"),
        (BlockKind.HEADING, "제1조(목적)"),
        (BlockKind.PARAGRAPH, "이 조례는 공영주차장의 설치와 관리에 필요한 사항을 정한다."),
    ]
    assert document.blocks[0].level == 1  # from the 개요 1 style in DocInfo, not from the text
    assert (BlockKind.TABLE, "구분 | 요금\n소형 | 1,000원") in kinds
    assert document.title == "제1장 총칙"


def test_long_paragraph_uses_the_extended_record_size():
    document = _parse(sample_hwp(long_text="주차" * 2100))
    assert document.blocks[-1].text == "주차" * 2100


def test_inline_and_extended_controls_are_skipped():
    tab = struct.pack("<H", 9) + b"\x01\x00" * 7
    table_anchor = struct.pack("<H", 11) + b" lbt" + b"\x00" * 10
    payload = (
        "가".encode("utf-16-le") + tab + "나".encode("utf-16-le") + table_anchor + "다\r".encode("utf-16-le")
    )
    assert decode_para_text(payload) == "가 나다\n"


def test_records_nest_by_level():
    data = para_header(0) + para_text(1, "하나") + para_header(0) + para_text(1, "둘")
    roots = parse_records(data, Limits(), Deadline(10))
    assert [len(root.children) for root in roots] == [1, 1]


def test_record_overrunning_the_stream_is_broken():
    data = struct.pack("<I", 67 | (100 << 20)) + b"\x00" * 10
    with pytest.raises(BrokenDocument):
        parse_records(data, Limits(), Deadline(10))


def test_record_count_is_bounded():
    data = para_header(0) * 50
    with pytest.raises(DocumentTooComplex):
        parse_records(data, Limits(max_records=10), Deadline(10))


def test_password_protected_hwp_is_refused():
    with pytest.raises(EncryptedDocument):
        _parse(sample_hwp(password=True))


def test_deflate_bomb_in_a_section_is_stopped():
    bomb = deflate(record(67, 0, b"\x00" * 4000) * 800)  # ~3 MB of records from ~4 KB
    data = build_ole({"FileHeader": file_header(), "BodyText/Section0": bomb})
    with pytest.raises(ArchiveBomb):
        _parse(data, Limits(max_zip_entry_bytes=1024 * 1024))


def test_ole_without_hwp_header_is_broken():
    with pytest.raises(BrokenDocument):
        _parse(build_ole({"WordDocument": b"x" * 100}))


def test_garbage_is_broken():
    with pytest.raises(BrokenDocument):
        _parse(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
