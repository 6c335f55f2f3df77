"""The confined parse: a runaway parser is stopped by the clock or the memory ceiling, a crash is reported."""

from __future__ import annotations

import os
import time

import pytest

from mokmin.knowledge import sandbox
from mokmin.knowledge.errors import BrokenDocument, DocumentTooComplex, ParseTimeout, UnsafeXml
from mokmin.knowledge.safety import DEFAULT_LIMITS
from mokmin.knowledge.sandbox import MB, parse_isolated
from tests.knowledge.files import BILLION_LAUGHS, rezip, sample_docx


def test_a_good_file_comes_back_parsed():
    parsed = parse_isolated("# 제목\n\n본문입니다.\n".encode(), "a.md", DEFAULT_LIMITS)
    assert parsed.title == "제목" and parsed.text.endswith("본문입니다.")


def test_a_rejection_keeps_its_kind_and_reason():
    with pytest.raises(UnsafeXml) as caught:
        parse_isolated(rezip(sample_docx(), {"word/document.xml": BILLION_LAUGHS}), "x.docx", DEFAULT_LIMITS)
    assert "DTD" in caught.value.message


def test_a_parser_that_never_returns_is_stopped_by_the_clock(monkeypatch):
    monkeypatch.setattr(sandbox, "parse_document", lambda *a: time.sleep(30))
    started = time.monotonic()
    with pytest.raises(ParseTimeout):
        parse_isolated(b"x", "a.txt", DEFAULT_LIMITS, timeout_s=0.5)
    assert time.monotonic() - started < 5


def test_a_parser_that_eats_memory_hits_the_ceiling(monkeypatch):
    def greedy(*args: object) -> None:
        hoard = [bytearray(64 * MB) for _ in range(64)]  # 4 GB, far over the 256 MB allowed
        raise AssertionError(len(hoard))

    monkeypatch.setattr(sandbox, "parse_document", greedy)
    with pytest.raises(DocumentTooComplex) as caught:
        parse_isolated(b"x", "a.txt", DEFAULT_LIMITS, memory_bytes=256 * MB, timeout_s=20)
    assert "메모리" in caught.value.message


def test_a_crashing_parser_is_a_broken_file(monkeypatch):
    monkeypatch.setattr(sandbox, "parse_document", lambda *a: os._exit(3))
    with pytest.raises(BrokenDocument) as caught:
        parse_isolated(b"x", "a.txt", DEFAULT_LIMITS, timeout_s=20)
    assert "ended with 3" in caught.value.detail
