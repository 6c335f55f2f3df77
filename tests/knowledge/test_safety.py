import io
import zipfile

import pytest

from mokmin.knowledge.errors import ArchiveBomb, BrokenDocument, UnsafeArchivePath, UnsafeXml
from mokmin.knowledge.safety import Limits, SafeZip, parse_xml
from tests.knowledge.files import BILLION_LAUGHS


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("name", ["../evil", "a/../../evil", "/etc/passwd", "C:/Windows/x", "..\\..\\evil"])
def test_entry_names_outside_the_archive_are_refused(name):
    with pytest.raises(UnsafeArchivePath):
        SafeZip(_zip({name: b"x"}), Limits())


def test_too_many_entries_is_a_bomb():
    with pytest.raises(ArchiveBomb):
        SafeZip(_zip({f"f{n}.xml": b"x" for n in range(30)}), Limits(max_zip_entries=20))


def test_total_declared_size_is_bounded():
    entries = {f"f{n}.txt": bytes(range(256)) * 400 for n in range(5)}  # ~100 KB each, barely compressible
    with pytest.raises(ArchiveBomb):
        SafeZip(_zip(entries), Limits(max_zip_total_bytes=300_000))


def test_high_ratio_entry_is_a_bomb():
    with pytest.raises(ArchiveBomb):
        SafeZip(_zip({"a.xml": b"\x00" * (4 * 1024 * 1024)}), Limits())


def test_reads_are_capped_to_the_limits():
    archive = SafeZip(
        _zip({"a.txt": b"y" * 5000}), Limits(max_zip_entry_bytes=10_000, max_zip_total_bytes=8000)
    )
    assert archive.read("a.txt") == b"y" * 5000
    with pytest.raises(BrokenDocument):
        archive.read("missing.txt")


def test_not_a_zip_is_broken():
    with pytest.raises(BrokenDocument):
        SafeZip(b"PK\x03\x04 but not really", Limits())


def test_xml_entities_and_dtds_are_refused():
    with pytest.raises(UnsafeXml):
        parse_xml(BILLION_LAUGHS)
    with pytest.raises(UnsafeXml):
        parse_xml(b'<!DOCTYPE r SYSTEM "http://example.com/r.dtd"><r/>')
    assert parse_xml(b"<r><a>1</a></r>").find("a").text == "1"
