"""The keep-alive HTTP/1.1 client under the openai-compatible provider, against raw socket servers that send
exactly the bytes each case needs (the provider's own tests cover it against the fake upstream)."""

from __future__ import annotations

import asyncio
import gzip
import zlib

import httpx
import pytest

from mokmin.gateway.providers import http11
from tests.fixtures.raw_http import read_request, server


def client(**overrides: float) -> http11.Client:
    timeouts = {"connect_timeout": 2.0, "read_timeout": 2.0} | overrides
    return http11.Client({"content-type": "application/json"}, **timeouts)


def answer(body: bytes, *head: bytes) -> bytes:
    fields = b"".join(h + b"\r\n" for h in head)
    return b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n%s\r\n%s" % (len(body), fields, body)


def test_posts_the_body_and_reuses_one_connection() -> None:
    connections, seen = 0, []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        while True:
            seen.append(await read_request(reader))
            writer.write(answer(b'{"ok": true}', b"content-type: application/json"))
            await writer.drain()

    async def main() -> None:
        async with server(serve) as base:
            http = client()
            for _ in range(3):
                reply = await http.post(f"{base}/v1/chat/completions?x=1", b'{"a": 1}')
                assert (reply.status_code, reply.content) == (200, b'{"ok": true}')
                assert reply.headers["content-type"] == "application/json"
            await http.aclose()

    asyncio.run(main())
    assert connections == 1
    line, headers, body = seen[0]
    assert line == b"POST /v1/chat/completions?x=1 HTTP/1.1"
    assert headers[b"host"].startswith(b"127.0.0.1:") and headers[b"content-type"] == b"application/json"
    assert body == b'{"a": 1}'


def test_chunked_stream_arrives_piece_by_piece() -> None:
    release = asyncio.Event()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nfirst\r\n")
        await writer.drain()
        await release.wait()
        writer.write(b"6\r\nsecond\r\n0\r\n\r\n")
        await writer.drain()
        await reader.read()

    async def main() -> list[bytes]:
        async with server(serve) as base:
            http = client()
            reply = await http.stream(f"{base}/s", b"{}")
            pieces = []
            async for piece in reply.aiter_bytes():
                pieces.append(piece)
                release.set()  # the second piece is sent only once the first was read
            await reply.aclose()
            await http.aclose()
            return pieces

    assert asyncio.run(main()) == [b"first", b"second"]


def test_close_delimited_and_compressed_bodies() -> None:
    bodies = {
        b"/plain": b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nuntil the end",
        b"/gzip": answer(gzip.compress(b"zipped"), b"content-encoding: gzip"),
        b"/deflate": answer(zlib.compress(b"deflated"), b"content-encoding: deflate"),
        b"/raw-deflate": answer(zlib.compress(b"raw")[2:-4], b"content-encoding: deflate"),
    }

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        line, _, _ = await read_request(reader)
        writer.write(bodies[line.split()[1]])
        await writer.drain()

    async def main() -> list[bytes]:
        async with server(serve) as base:
            http = client()
            replies = [await http.post(f"{base}{path.decode()}", b"") for path in bodies]
            await http.aclose()
            return [reply.content for reply in replies]

    assert asyncio.run(main()) == [b"until the end", b"zipped", b"deflated", b"raw"]


def test_a_connection_the_server_closed_while_idle_is_not_reused() -> None:
    connections = 0

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await read_request(reader)
        writer.write(answer(b"one"))  # keep-alive by default, but the server closes right after
        await writer.drain()

    async def main() -> None:
        async with server(serve) as base:
            http = client()
            assert (await http.post(f"{base}/a", b"")).content == b"one"
            await asyncio.sleep(0.05)  # the close reaches the client's event loop
            assert (await http.post(f"{base}/a", b"")).content == b"one"
            await http.aclose()

    asyncio.run(main())
    assert connections == 2


def test_a_reused_connection_closed_as_the_request_goes_out_is_tried_once_more() -> None:
    connections = 0

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await read_request(reader)
        writer.write(answer(b"fine"))
        await writer.drain()
        if connections == 1:
            await read_request(reader)  # the second request on this connection: closed unanswered
            return
        await reader.read()

    async def main() -> None:
        async with server(serve) as base:
            http = client()
            assert (await http.post(f"{base}/a", b"")).content == b"fine"
            assert (await http.post(f"{base}/a", b"")).content == b"fine"
            await http.aclose()

    asyncio.run(main())
    assert connections == 2


def test_failures_raise_httpx_errors() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(1)

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)

    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"SMTP ready\r\n\r\n")
        await writer.drain()

    async def main() -> None:
        async with server(silent) as base:
            with pytest.raises(httpx.ReadTimeout):
                await client(read_timeout=0.1).post(f"{base}/a", b"")
        async with server(hang_up) as base:
            with pytest.raises(httpx.RemoteProtocolError):
                await client().post(f"{base}/a", b"")
        async with server(garbage) as base:
            with pytest.raises(httpx.RemoteProtocolError):
                await client().post(f"{base}/a", b"")
        with pytest.raises(httpx.ConnectError):
            await client().post("http://127.0.0.1:9/a", b"")

    asyncio.run(main())


def test_redirects_are_followed_as_httpx_follows_them() -> None:
    seen: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            line, _, body = await read_request(reader)
            seen.append(line + b" " + body)
            if line.split()[1] == b"/old":
                writer.write(
                    b"HTTP/1.1 307 Temporary Redirect\r\nlocation: /new\r\ncontent-length: 0\r\n\r\n"
                )
            else:
                writer.write(answer(b"moved"))
            await writer.drain()

    async def main() -> bytes:
        async with server(serve) as base:
            http = client()
            reply = await http.post(f"{base}/old", b"payload")
            await http.aclose()
            return reply.content

    assert asyncio.run(main()) == b"moved"
    assert seen[-1] == b"POST /new HTTP/1.1 payload"


def test_a_proxy_from_the_environment_sends_requests_through_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    proxied: list[bytes] = []

    async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        line, _, _ = await read_request(reader)
        proxied.append(line)
        writer.write(answer(b"via proxy"))
        await writer.drain()

    async def main() -> bytes:
        async with server(proxy) as proxy_url:
            monkeypatch.setenv("HTTP_PROXY", proxy_url)
            monkeypatch.setenv("NO_PROXY", "internal.example")
            http = client()
            reply = await http.post("http://model.example/v1/chat/completions", b"{}")
            await http.aclose()
            return reply.content

    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    assert asyncio.run(main()) == b"via proxy"
    assert proxied == [b"POST http://model.example/v1/chat/completions HTTP/1.1"]
    assert http11._proxied("http", "model.example")
    assert not http11._proxied("http", "api.internal.example")
    assert not http11._proxied("https", "model.example")


def test_header_values_that_could_split_a_request_are_refused() -> None:
    with pytest.raises(ValueError, match="authorization"):
        http11.Client({"authorization": "Bearer x\r\nhost: evil"}, connect_timeout=1, read_timeout=1)


def test_credentials_in_the_url_are_left_to_httpx() -> None:
    async def main() -> list[str]:
        seen: list[str] = []

        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            _, headers, _ = await read_request(reader)
            seen.append(headers.get(b"authorization", b"").decode())
            writer.write(answer(b"ok"))
            await writer.drain()

        async with server(serve) as base:
            http = client()
            await http.post(base.replace("http://", "http://user:secret@") + "/a", b"")
            await http.aclose()
        return seen

    assert asyncio.run(main()) == ["Basic dXNlcjpzZWNyZXQ="]  # user:secret, as httpx sends it
