"""Server-sent events, cut into ``data`` payloads as cheaply as the wire allows.

Model servers send one JSON document per event (``data: {...}`` then a blank line) and end with
``data: [DONE]``. This decoder works on bytes, never decodes text (``json.loads`` takes UTF-8 bytes) and skips
the fields a chat stream does not use (``event``, ``id``, ``retry``, comments), so a streamed token costs one
split and one JSON parse. Several ``data`` lines in one event are joined with newlines, as the SSE spec says.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator

DONE = b"[DONE]"


async def data_batches(chunks: AsyncIterable[bytes]) -> AsyncIterator[list[bytes]]:
    """The ``data`` payloads of the events each piece of ``chunks`` completes, one list per piece (pieces that
    complete none yield nothing): what arrived together can be handled together."""
    pending = b""
    data: list[bytes] = []
    async for chunk in chunks:
        lines = (pending + chunk).split(b"\n") if pending else chunk.split(b"\n")
        pending = lines.pop()
        batch: list[bytes] = []
        for line in lines:
            if line.endswith(b"\r"):
                line = line[:-1]
            if not line:
                if data:
                    batch.append(data[0] if len(data) == 1 else b"\n".join(data))
                    data = []
            elif line.startswith(b"data:"):
                value = line[5:]
                data.append(value[1:] if value.startswith(b" ") else value)
        if batch:
            yield batch
    if pending.startswith(b"data:"):  # a last event without its blank line
        value = pending[5:].rstrip(b"\r")
        data.append(value[1:] if value.startswith(b" ") else value)
    if data:
        yield [b"\n".join(data)]


async def data_events(chunks: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    """The ``data`` payload of each event in ``chunks`` (raw body bytes, split anywhere)."""
    async for batch in data_batches(chunks):
        for data in batch:
            yield data
