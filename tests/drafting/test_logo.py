"""Letterhead logos (mokmin/drafting/logo.py): PNG and JPEG recognised by their bytes, everything else refused."""

from __future__ import annotations

import pytest

from mokmin.core.errors import ValidationFailed
from mokmin.drafting.logo import MAX_LOGO_BYTES, inspect_logo
from tests.fixtures.drafting_extras import jpeg_header, png


def test_png_and_jpeg_sizes_are_read_from_their_headers() -> None:
    info = inspect_logo(png(3, 2))
    assert (info.kind, info.width, info.height, info.media_type) == ("png", 3, 2, "image/png")
    info = inspect_logo(jpeg_header(120, 80))
    assert (info.kind, info.width, info.height, info.media_type) == ("jpg", 120, 80, "image/jpeg")


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"", "drafting.logo.empty"),
        (b"GIF89a" + b"\x00" * 20, "drafting.logo.format"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "drafting.logo.format"),
        (png()[:20], "drafting.logo.broken"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "drafting.logo.broken"),
        (jpeg_header(60_000, 60_000), "drafting.logo.dimensions"),
        (png(5000, 1)[:33], "drafting.logo.dimensions"),
        (png() + b"\x00" * MAX_LOGO_BYTES, "drafting.logo.too_large"),
    ],
    ids=["empty", "gif", "svg", "png-cut", "jpeg-no-frame", "jpeg-bomb", "png-too-wide", "too-many-bytes"],
)
def test_what_cannot_be_a_logo_is_refused_with_the_reason(data: bytes, key: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        inspect_logo(data)
    assert caught.value.message == key
