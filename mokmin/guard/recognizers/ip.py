"""IP addresses (IP): IPv4 and IPv6 validated with :mod:`ipaddress`; version strings are not IPs (§12)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from mokmin.guard.recognizers.base import Context, Pattern, Recognizer, Scan
from mokmin.guard.spans import PiiType, Span

_V4 = re.compile(r"(?<![0-9A-Za-z.])\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?(?![0-9]|\.[0-9])")
_V6 = re.compile(r"(?<![0-9A-Za-z:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:/\d{1,3})?(?![0-9A-Za-z:])")
_OUTLINE_AFTER = re.compile(r"\.? ?(?:항|호|조|절|장|목|번)")


class IpRecognizer(Recognizer):
    name = "ip"
    type = PiiType.IP
    patterns = (
        Pattern("v4", _V4, 0.8, min_run=1, gate=re.compile(r"\d\.\d{1,3}\.\d{1,3}\.\d")),
        Pattern("v6", _V6, 0.8, gate=re.compile(r":[0-9A-Fa-f]{0,4}:")),
    )
    context = ("ip", "아이피", "접속", "address", "서버", "host", "로그")
    anti_context = ("버전", "version", "ver", "build", "빌드", "릴리스", "release", "patch", "좌표")
    triggers = (".", ":")
    context_boost = 0.15
    context_before = 25

    def validate(self, value: str, pattern: Pattern, ctx: Context) -> float | None:
        address = value.split("/", 1)[0]
        if pattern.name == "v6" and (address.count(":") < 2 or len(address.replace(":", "")) < 3):
            return None
        try:
            ipaddress.ip_address(address)
        except ValueError:
            return None
        return pattern.score

    def find(self, scan: Scan) -> Iterator[Span]:
        text = scan.text
        for span in super().find(scan):
            before = text[span.start - 1 : span.start] if span.start else ""
            if before in ("v", "V") or _OUTLINE_AFTER.match(text, span.end):
                continue
            yield span
