"""Letterhead logos: only small PNG or JPEG images, recognised by their bytes rather than by a file name.

The logo is uploaded by an admin and then embedded in every exported HWPX, DOCX and PDF, so it is checked once
at upload: its signature, its declared size (a 1 KB file may claim a 60,000 × 60,000 image that would
exhaust memory when an exporter decodes it), and its length in bytes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Literal

from mokmin.core.errors import ValidationFailed

MAX_LOGO_BYTES = 512 * 1024
MAX_LOGO_SIDE = 4000
LogoKind = Literal["png", "jpg"]
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
# JPEG start-of-frame markers (baseline, progressive, lossless …) carry the image size; C4, C8, CC are not frames.
_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


@dataclass(frozen=True)
class LogoInfo:
    """What the bytes are: the format exporters need and the size the image claims."""

    kind: LogoKind
    width: int
    height: int

    @property
    def media_type(self) -> str:
        return "image/png" if self.kind == "png" else "image/jpeg"


def _png_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 4 <= len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        if marker == 0xFF:  # fill byte
            index += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            index += 2
            continue
        (length,) = struct.unpack(">H", data[index + 2 : index + 4])
        if marker in _SOF:
            if index + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return int(width), int(height)
        if marker == 0xD9 or length < 2:
            return None
        index += 2 + length
    return None


def inspect_logo(data: bytes) -> LogoInfo:
    """The logo's format and size, or :class:`ValidationFailed` saying why it cannot be a letterhead logo."""
    if not data:
        raise ValidationFailed("drafting.logo.empty")
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationFailed("drafting.logo.too_large", limit=MAX_LOGO_BYTES // 1024)
    kind: LogoKind
    if data.startswith(_PNG):
        kind, size = "png", _png_size(data)
    elif data.startswith(_JPEG):
        kind, size = "jpg", _jpeg_size(data)
    else:
        raise ValidationFailed("drafting.logo.format")
    if size is None:
        raise ValidationFailed("drafting.logo.broken")
    width, height = size
    if not (0 < width <= MAX_LOGO_SIDE and 0 < height <= MAX_LOGO_SIDE):
        raise ValidationFailed("drafting.logo.dimensions", side=MAX_LOGO_SIDE)
    return LogoInfo(kind, width, height)
