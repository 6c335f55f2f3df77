"""Limits that keep one hostile file from exhausting time, memory or disk.

Every parser receives a :class:`Limits` and a :class:`Deadline`. Zip containers (HWPX, DOCX) are opened only
through :class:`SafeZip`, which checks entry names, counts, declared sizes and compression ratios before
anything is inflated, and again while inflating, because a zip header can lie about sizes. XML is parsed only
with defusedxml with DTDs forbidden, so entity expansion and external entities never run.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from mokmin.knowledge.errors import (
    ArchiveBomb,
    BrokenDocument,
    DocumentTooComplex,
    EncryptedDocument,
    FileTooLarge,
    ParseTimeout,
    UnsafeArchivePath,
    UnsafeXml,
)

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Upper bounds for one document; the defaults suit city documents (a 500-page plan is ~20 MB)."""

    max_file_bytes: int = 64 * MB
    max_zip_entries: int = 5_000
    max_zip_total_bytes: int = 256 * MB
    max_zip_entry_bytes: int = 128 * MB
    max_zip_ratio: float = 200.0
    max_pdf_objects: int = 500_000
    max_pages: int = 5_000
    max_records: int = 2_000_000
    max_text_chars: int = 20_000_000
    time_budget_s: float = 120.0


DEFAULT_LIMITS = Limits()


class Deadline:
    """A time budget that parsers poll between pages, records and paragraphs."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self._end:
            raise ParseTimeout(detail=f"time budget of {self.seconds:.0f}s exceeded")


def human_size(size: int) -> str:
    """``1.5 MB``, ``2 KB``: sizes as a clerk reads them."""
    if size >= MB:
        return f"{size / MB:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def check_size(size: int, limits: Limits) -> None:
    """Refuse a file over the size limit before reading it."""
    if size > limits.max_file_bytes:
        raise FileTooLarge(
            f"파일이 너무 큽니다({human_size(size)}). {human_size(limits.max_file_bytes)} 이하만 올릴 수 있습니다.",
            detail=f"{size} bytes > {limits.max_file_bytes}",
        )


def check_text_length(chars: int, limits: Limits) -> None:
    if chars > limits.max_text_chars:
        raise DocumentTooComplex(detail=f"{chars} characters of text > {limits.max_text_chars}")


_DRIVE = re.compile(r"^[A-Za-z]:")


def _unsafe_name(name: str) -> bool:
    if not name or "\x00" in name or name.startswith(("/", "\\")) or _DRIVE.match(name):
        return True
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return ".." in parts


class SafeZip:
    """A zip archive whose every entry was vetted, read with a hard cap on inflated bytes."""

    def __init__(self, data: bytes, limits: Limits) -> None:
        self.limits = limits
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
            raise BrokenDocument(detail=f"bad zip: {exc}") from exc
        if len(infos) > limits.max_zip_entries:
            raise ArchiveBomb(detail=f"{len(infos)} entries > {limits.max_zip_entries}")
        total = 0
        for info in infos:
            if _unsafe_name(info.filename):
                raise UnsafeArchivePath(detail=f"entry name {info.filename!r}")
            if info.flag_bits & 0x1:
                raise EncryptedDocument(detail=f"zip entry {info.filename!r} is encrypted")
            total += info.file_size
            self._check_entry(info.filename, info.file_size, info.compress_size)
        if total > limits.max_zip_total_bytes:
            raise ArchiveBomb(detail=f"declared {total} uncompressed bytes > {limits.max_zip_total_bytes}")
        self._names = {info.filename for info in infos}
        self._inflated = 0

    def _check_entry(self, name: str, size: int, compressed: int) -> None:
        if size > self.limits.max_zip_entry_bytes:
            raise ArchiveBomb(detail=f"entry {name!r} inflates to {size} bytes")
        # Tiny entries compress well by nature (runs of XML); only judge the ratio past 1 MB.
        if size > MB and size > self.limits.max_zip_ratio * max(compressed, 1):
            raise ArchiveBomb(detail=f"entry {name!r} ratio {size / max(compressed, 1):.0f}:1")

    def names(self) -> set[str]:
        return set(self._names)

    def read(self, name: str) -> bytes:
        """Inflate one entry, stopping as soon as it exceeds what its header declared or the limits allow."""
        if name not in self._names:
            raise BrokenDocument(detail=f"missing entry {name!r}")
        info = self._zip.getinfo(name)
        cap = min(self.limits.max_zip_entry_bytes, self.limits.max_zip_total_bytes - self._inflated)
        try:
            with self._zip.open(info) as stream:
                data = stream.read(cap + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise BrokenDocument(detail=f"cannot inflate {name!r}: {exc}") from exc
        if len(data) > cap:
            raise ArchiveBomb(detail=f"entry {name!r} inflates past {cap} bytes")
        self._inflated += len(data)
        self._check_entry(name, len(data), info.compress_size)
        return data


def parse_xml(data: bytes, what: str = "XML") -> Element:
    """Parse XML with DTDs, entities and external references forbidden."""
    try:
        root: Element = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise UnsafeXml(detail=f"{what}: {type(exc).__name__}") from exc
    except SafeET.ParseError as exc:
        raise BrokenDocument(detail=f"{what}: {exc}") from exc
    return root


_PDF_SIZE = re.compile(rb"/Size\s+(\d{1,12})")
_PDF_OBJ = re.compile(rb"\d+\s+\d+\s+obj\b")
_PDF_OBJSTM = re.compile(rb"/Type\s*/ObjStm\b")
_PDF_N = re.compile(rb"/N\s+(\d{1,12})")


def _objects_in_streams(data: bytes) -> int:
    """Objects packed in compressed object streams (``/Type /ObjStm`` with ``/N`` objects each)."""
    total = 0
    for marker in _PDF_OBJSTM.finditer(data):
        window = data[max(0, marker.start() - 300) : marker.end() + 300]
        count = _PDF_N.search(window)
        total += int(count.group(1)) if count else 0
    return total


def check_pdf_structure(data: bytes, limits: Limits) -> None:
    """Count objects before pypdf builds its tables: declared (trailer /Size), packed in object streams, and
    written out plainly. The time budget covers whatever these counts cannot see."""
    declared = max((int(m.group(1)) for m in _PDF_SIZE.finditer(data)), default=0)
    declared = max(declared, _objects_in_streams(data))
    if declared > limits.max_pdf_objects:
        raise DocumentTooComplex(detail=f"PDF declares {declared} objects > {limits.max_pdf_objects}")
    for present, _ in enumerate(_PDF_OBJ.finditer(data), start=1):
        if present > limits.max_pdf_objects:
            raise DocumentTooComplex(detail=f"PDF holds more than {limits.max_pdf_objects} objects")


def check_pages(pages: int, limits: Limits) -> None:
    if pages > limits.max_pages:
        raise DocumentTooComplex(
            f"쪽 수가 너무 많습니다({pages}쪽). {limits.max_pages}쪽 이하로 나누어 올려 주세요.",
            detail=f"{pages} pages > {limits.max_pages}",
        )
