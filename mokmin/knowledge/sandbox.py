"""Parse an untrusted file in a child process with a hard memory ceiling and a wall-clock deadline.

The parsers already poll a cooperative time budget and refuse zip bombs, entity expansion and oversized
structures; this is the second wall for whatever they cannot foresee (a C extension looping, a structure that
allocates gigabytes before any check runs). The child is forked (cheap: the parent's imports are shared), sets
``RLIMIT_AS`` to what it already maps plus the budget and ``RLIMIT_CPU`` to the deadline, parses, and sends
the :class:`ParsedDocument` back through a pipe. A child that runs out of memory, overruns the clock or dies
fails only this file, with the reason, and the worker goes on.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import resource
from multiprocessing.connection import Connection
from typing import Any

from mokmin.knowledge import errors
from mokmin.knowledge.ingest.base import ParsedDocument
from mokmin.knowledge.ingest.registry import parse_document
from mokmin.knowledge.safety import Limits

MB = 1024 * 1024

_REJECTIONS: dict[str, type[errors.DocumentRejected]] = {
    kind.code: kind
    for kind in (
        errors.DocumentRejected,
        errors.UnsupportedFormat,
        errors.FileTooLarge,
        errors.ArchiveBomb,
        errors.UnsafeArchivePath,
        errors.UnsafeXml,
        errors.DocumentTooComplex,
        errors.EncryptedDocument,
        errors.BrokenDocument,
        errors.ParseTimeout,
    )
}
OUT_OF_MEMORY = "문서를 읽는 데 허용된 메모리를 넘겨 중단했습니다. 문서를 나누어 올려 주세요."


def _mapped_bytes() -> int:
    """Virtual memory this process maps now (``RLIMIT_AS`` counts the same thing)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def _confine(memory_bytes: int, timeout_s: float) -> None:
    ceiling = _mapped_bytes() + memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    seconds = math.ceil(timeout_s) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))


def _child(
    channel: Connection, data: bytes, filename: str, limits: Limits, memory_bytes: int, timeout_s: float
) -> None:
    reply: tuple[str, Any]
    try:
        _confine(memory_bytes, timeout_s)
        reply = ("ok", parse_document(data, filename, limits))
    except errors.DocumentRejected as exc:
        reply = ("rejected", (exc.code, exc.message, exc.detail))
    except MemoryError:
        reply = ("rejected", (errors.DocumentTooComplex.code, OUT_OF_MEMORY, "memory limit reached"))
    except Exception as exc:
        reply = ("rejected", (errors.BrokenDocument.code, "", f"parser error {type(exc).__name__}"))
    try:
        channel.send(reply)
    except MemoryError:
        channel.send(("rejected", (errors.DocumentTooComplex.code, OUT_OF_MEMORY, "memory limit on reply")))
    channel.close()


def _rejection(code: str, message: str, detail: str) -> errors.DocumentRejected:
    kind = _REJECTIONS.get(code, errors.BrokenDocument)
    return kind(message or None, detail=detail)


def _died(exitcode: int | None) -> errors.DocumentRejected:
    # SIGKILL/SIGXCPU come from the limits above; anything else is the parser crashing on this file.
    if exitcode in {-9, -24}:
        return errors.DocumentTooComplex(OUT_OF_MEMORY, detail=f"child ended by signal {-(exitcode or 0)}")
    return errors.BrokenDocument(detail=f"parser process ended with {exitcode}")


def parse_isolated(
    data: bytes,
    filename: str,
    limits: Limits,
    *,
    memory_bytes: int = 1024 * MB,
    timeout_s: float = 150.0,
) -> ParsedDocument:
    """:func:`parse_document` in a confined child; raises a :class:`DocumentRejected` subclass on failure."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child,
        args=(sender, data, filename, limits, memory_bytes, timeout_s),
        name="mokmin-parse",
        daemon=True,
    )
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            raise errors.ParseTimeout(detail=f"parser process exceeded {timeout_s:.1f}s")
        try:
            kind, payload = receiver.recv()
        except (EOFError, OSError):
            process.join(5)
            raise _died(process.exitcode) from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        receiver.close()
    if kind == "ok" and isinstance(payload, ParsedDocument):
        return payload
    raise _rejection(*payload)
