"""A small HTTP/1.1 client for model servers: keep-alive connections on asyncio, responses parsed by httptools.

Why not httpx for every call: through httpx and httpcore a request to a local model server cost 1–2 ms of
CPU (models for URL, headers, request and response; a pool that scans every connection and polls each idle
socket before reuse), as much as the rest of the gateway together. Here a request is one write of
pre-encoded headers and body, and the response is parsed by the same C parser uvicorn uses; a connection
the server closed is noticed by the event loop (``connection_lost``), so nothing is polled before reuse.

It covers what a model server needs: POST with a body, ``Content-Length``, chunked and close-delimited
responses, gzip or deflate bodies, TLS (verified as httpx verifies it), connect and read timeouts, a LIFO pool
of idle connections that expire like httpx's (5 s). Anything else goes to an ``httpx.AsyncClient`` made on
first use, so behaviour stays httpx's: a proxy from the environment (``HTTP_PROXY``…) or credentials in the
URL send every request through httpx, and a redirect is sent again through httpx, which follows it. Failures
raise httpx's own exception classes (``ConnectError``, ``ConnectTimeout``, ``ReadTimeout``,
``RemoteProtocolError``), so callers handle one set of errors whichever way a request went.
"""

from __future__ import annotations

import asyncio
import ssl
import time
import zlib
from collections import deque
from collections.abc import AsyncIterator, Mapping
from typing import Any, Protocol, cast
from urllib.parse import quote, urlsplit
from urllib.request import getproxies

import httptools
import httpx

KEEPALIVE_EXPIRY_S = 5.0  # httpx's default: an idle connection older than this is closed, not reused
MAX_IDLE = 100  # idle connections kept per origin (httpx's max_keepalive_connections, as the SDK sets it)
MAX_CONNECTIONS = 1000  # connections open at once per origin (the SDK's max_connections)
_HIGH_WATER = 256 * 1024  # buffered body bytes at which reading from the socket pauses until they are read
_REDIRECTS = frozenset((301, 302, 303, 307, 308))
_USER_AGENT = "mokmin"


class Reply(Protocol):
    """What callers read of a response, whether it came from this client or from httpx."""

    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def content(self) -> bytes: ...
    @property
    def text(self) -> str: ...
    async def aread(self) -> bytes: ...
    def aiter_bytes(self) -> AsyncIterator[bytes]: ...
    async def aclose(self) -> None: ...


class Client:
    """POST to URLs under any origin; one pool of keep-alive connections per origin."""

    def __init__(self, headers: Mapping[str, str], *, connect_timeout: float, read_timeout: float) -> None:
        for name, value in headers.items():
            if not _safe_header(name) or not _safe_header(value):
                raise ValueError(f"header {name!r} holds a character HTTP does not allow")
        self.headers = dict(headers)
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self._pools: dict[tuple[str, str, int], _Pool | None] = {}
        self._targets: dict[str, tuple[_Pool, bytes] | None] = {}
        self._fallback: httpx.AsyncClient | None = None

    async def post(self, url: str, body: bytes) -> Reply:
        """The whole response to a POST of ``body`` (JSON) to ``url``."""
        reply = await self._send(url, body)
        await reply.aread()
        return reply

    async def stream(self, url: str, body: bytes) -> Reply:
        """The response to a POST whose body is read as it comes (``aiter_bytes``); ``aclose`` it when done."""
        return await self._send(url, body)

    async def aclose(self) -> None:
        pools = [pool for pool in self._pools.values() if pool is not None]
        self._pools.clear()
        self._targets.clear()
        for pool in pools:
            pool.close()
        if self._fallback is not None:
            fallback, self._fallback = self._fallback, None
            await fallback.aclose()

    async def _send(self, url: str, body: bytes) -> Reply:
        target = self._target(url)
        if target is None:
            return await self._via_httpx(url, body)
        pool, path = target
        reply = await pool.send(path, body)
        if reply.status_code in _REDIRECTS and "location" in reply.headers:
            await reply.aclose()
            return await self._via_httpx(url, body)
        return reply

    def _target(self, url: str) -> tuple[_Pool, bytes] | None:
        """The pool for ``url``'s origin and the request target, or None when httpx must send it."""
        if url in self._targets:
            return self._targets[url]
        parts = urlsplit(url)
        scheme, host = parts.scheme, parts.hostname or ""
        port = parts.port or (443 if scheme == "https" else 80)
        key = (scheme, host, port)
        if parts.username is not None or parts.password is not None:
            pool = None  # credentials in the URL: httpx turns them into Basic auth
        else:
            if key not in self._pools:
                self._pools[key] = self._new_pool(scheme, host, port, parts.netloc)
            pool = self._pools[key]
        path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
        if parts.query:
            path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
        target = (pool, path.encode("ascii")) if pool is not None else None
        if len(self._targets) < 64:  # a provider calls two or three URLs; never grow without bound
            self._targets[url] = target
        return target

    def _new_pool(self, scheme: str, host: str, port: int, netloc: str) -> _Pool | None:
        if scheme not in ("http", "https") or not host or _proxied(scheme, host):
            return None
        tls = httpx.create_ssl_context() if scheme == "https" else None
        if tls is not None:
            tls.set_alpn_protocols(["http/1.1"])
        head = {"host": netloc, "user-agent": _USER_AGENT, **self.headers}
        return _Pool(host, port, tls, head, self.connect_timeout, self.read_timeout)

    async def _via_httpx(self, url: str, body: bytes) -> Reply:
        if self._fallback is None:
            self._fallback = httpx.AsyncClient(
                headers=self.headers,
                timeout=httpx.Timeout(self.read_timeout, connect=self.connect_timeout),
                limits=httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_IDLE),
                follow_redirects=True,
            )
        request = self._fallback.build_request("POST", url, content=body)
        return await self._fallback.send(request, stream=True)


def _safe_header(text: str) -> bool:
    return text.isprintable() and text.isascii()


def _proxied(scheme: str, host: str) -> bool:
    """Whether httpx could send a request for ``host`` through a proxy named in the environment.

    ``NO_PROXY`` is read as httpx reads it (``*``, exact hosts and addresses, domains and their subdomains);
    any entry not understood here leaves the request to httpx, which then decides for itself.
    """
    proxies = getproxies()
    if not (proxies.get(scheme) or proxies.get("all")):
        return False
    host = host.lower()
    for entry in (e.strip().lower() for e in proxies.get("no", "").split(",")):
        if entry == "*" or entry == host:
            return False
        if entry and "://" not in entry and "/" not in entry:
            suffix = entry if entry.startswith(".") else "." + entry
            if host.endswith(suffix):
                return False
    return True


class _Pool:
    """Keep-alive connections to one origin, newest idle one reused first."""

    def __init__(
        self,
        host: str,
        port: int,
        tls: ssl.SSLContext | None,
        headers: Mapping[str, str],
        connect_timeout: float,
        read_timeout: float,
    ) -> None:
        self.host, self.port, self.tls = host, port, tls
        self.head = "".join(f"{name}: {value}\r\n" for name, value in headers.items()).encode("ascii")
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.loop: asyncio.AbstractEventLoop | None = None
        self.idle: list[tuple[float, _Connection]] = []
        self.slots = asyncio.Semaphore(MAX_CONNECTIONS)
        self.closed = False

    async def send(self, path: bytes, body: bytes) -> _Response:
        request = b"POST %s HTTP/1.1\r\n%scontent-length: %d\r\n\r\n%s" % (path, self.head, len(body), body)
        loop = asyncio.get_running_loop()
        if loop is not self.loop:  # first use, or a new event loop: the old one's connections are unusable
            self.loop, self.idle, self.slots = loop, [], asyncio.Semaphore(MAX_CONNECTIONS)
        if self.slots.locked():  # every connection busy: wait as long as httpx's pool timeout allows
            try:
                async with asyncio.timeout(self.read_timeout):
                    await self.slots.acquire()
            except TimeoutError:
                raise httpx.PoolTimeout("no connection free in time") from None
        else:
            await self.slots.acquire()
        try:
            connection = self._reusable()
            if connection is not None:
                try:
                    return await connection.exchange(request, self)
                except _Stale:  # the server closed it as we sent: once more on a fresh connection
                    pass
            connection = await self._connect(loop)
            try:
                return await connection.exchange(request, self)
            except _Stale:
                raise httpx.RemoteProtocolError(
                    "the server closed the connection without answering"
                ) from None
        except BaseException:
            self.slots.release()
            raise

    def _reusable(self) -> _Connection | None:
        now = time.monotonic()
        while self.idle:
            since, connection = self.idle.pop()
            if not connection.closed and now - since < KEEPALIVE_EXPIRY_S:
                return connection
            connection.close()
        return None

    async def _connect(self, loop: asyncio.AbstractEventLoop) -> _Connection:
        try:
            async with asyncio.timeout(self.connect_timeout):
                _, connection = await loop.create_connection(
                    lambda: _Connection(loop, self.read_timeout),
                    self.host,
                    self.port,
                    ssl=self.tls,
                    server_hostname=self.host if self.tls else None,
                )
        except TimeoutError:
            raise httpx.ConnectTimeout(f"no connection to {self.host}:{self.port} in time") from None
        except OSError as exc:  # refused, unreachable, unknown host, TLS failure
            raise httpx.ConnectError(f"{type(exc).__name__}: {exc}") from exc
        return connection

    def release(self, connection: _Connection, reusable: bool) -> None:
        """A response is done with its connection: keep it for the next request or close it."""
        self.slots.release()
        if reusable and not self.closed and len(self.idle) < MAX_IDLE:
            self.idle.append((time.monotonic(), connection))
        else:
            connection.close()

    def close(self) -> None:
        self.closed = True
        for _, connection in self.idle:
            connection.close()
        self.idle.clear()


class _Stale(Exception):
    """A reused connection was closed before any byte of the response came back."""


class _Connection(asyncio.Protocol):
    """One TCP (or TLS) connection; the parser's callbacks fill in the response that is being received."""

    def __init__(self, loop: asyncio.AbstractEventLoop, read_timeout: float) -> None:
        self.loop = loop
        self.read_timeout = read_timeout
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.closed = False
        self.response: _Response | None = None
        self.waiter: asyncio.Future[None] | None = None

    # -- asyncio.Protocol ------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports are not its subclasses

    def data_received(self, data: bytes) -> None:
        response = self.response
        if response is None or response.complete:  # nothing asked for: the connection is out of step
            self.close()
            return
        response.received = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            response.fail(httpx.RemoteProtocolError("the server switched protocols"))
        except httptools.HttpParserError as exc:
            response.fail(httpx.RemoteProtocolError(f"malformed HTTP response: {exc}"))
        self._wake()

    def eof_received(self) -> bool:
        return False  # close the transport; connection_lost follows

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        response = self.response
        if response is not None and not response.complete:
            if response.head_done and response.close_delimited and exc is None:
                response.complete = True
            elif not response.received:
                response.fail(_Stale())
            else:
                response.fail(httpx.RemoteProtocolError("the server closed the connection mid-response"))
        self._wake()

    def pause_writing(self) -> None:  # the request is written at once; the socket buffers what it can
        pass

    def resume_writing(self) -> None:
        pass

    # -- httptools callbacks ---------------------------------------------------------------------------

    def on_header(self, name: bytes, value: bytes) -> None:
        if self.response is not None:
            self.response.add_header(name, value)

    def on_headers_complete(self) -> None:
        response = self.response
        status = self.parser.get_status_code()
        if response is None or response.head_done:  # a second response nobody asked for
            self.close()
        elif 100 <= status < 200:  # informational (103 Early Hints…): the real head follows
            response.headers.clear()
        else:
            response.start(status, self.parser.should_keep_alive())

    def on_body(self, body: bytes) -> None:
        response = self.response
        if response is not None and not response.complete and response.add_body(body) > _HIGH_WATER:
            assert self.transport is not None
            self.transport.pause_reading()

    def on_message_complete(self) -> None:
        response = self.response
        if response is not None and response.head_done:
            response.complete = True

    # -- used by _Response -----------------------------------------------------------------------------

    async def exchange(self, request: bytes, pool: _Pool) -> _Response:
        """Send ``request`` and wait for the response's head; on failure the connection is closed (the
        caller gives its pool slot back)."""
        assert self.transport is not None
        response = self.response = _Response(self, pool)
        self.transport.write(request)
        try:
            while not response.head_done:
                if response.error is not None:
                    raise response.error
                await self.wait()
        except BaseException:
            response.pool = None
            self.close()
            raise
        return response

    async def wait(self) -> None:
        """Until the parser has more for the response; ``ReadTimeout`` after ``read_timeout`` without any."""
        waiter = self.waiter = self.loop.create_future()
        timer = self.loop.call_later(self.read_timeout, self._timed_out, waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            self.waiter = None

    def _timed_out(self, waiter: asyncio.Future[None]) -> None:
        if not waiter.done():
            waiter.set_exception(httpx.ReadTimeout(f"no data for {self.read_timeout:g} s"))

    def _wake(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def resume(self) -> None:
        if self.transport is not None and not self.closed:
            self.transport.resume_reading()

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


class _Response:
    """A response as it arrives: status and headers first, then body pieces, until complete."""

    def __init__(self, connection: _Connection, pool: _Pool) -> None:
        self.connection = connection
        self.pool: _Pool | None = pool
        self.status_code = 0
        self.headers: dict[str, str] = {}
        self.head_done = False
        self.keep_alive = True
        self.close_delimited = False
        self.complete = False
        self.received = False
        self.error: BaseException | None = None
        self.pieces: deque[bytes] = deque()
        self.buffered = 0
        self._content: bytes | None = None
        self._decoder: Any = None

    # -- filled in by the connection -------------------------------------------------------------------

    def add_header(self, name: bytes, value: bytes) -> None:
        key, text = name.decode("latin-1").lower(), value.decode("latin-1")
        self.headers[key] = f"{self.headers[key]}, {text}" if key in self.headers else text

    def start(self, status: int, keep_alive: bool) -> None:
        self.status_code, self.keep_alive, self.head_done = status, keep_alive, True
        chunked = "chunked" in self.headers.get("transfer-encoding", "").lower()
        self.close_delimited = not chunked and "content-length" not in self.headers
        encoding = self.headers.get("content-encoding", "").strip().lower()
        if encoding in ("gzip", "x-gzip"):
            self._decoder = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding == "deflate":
            self._decoder = _Deflate()

    def add_body(self, body: bytes) -> int:
        self.pieces.append(body)
        self.buffered += len(body)
        return self.buffered

    def fail(self, error: BaseException) -> None:
        if self.error is None:
            self.error = error

    # -- read by the caller ----------------------------------------------------------------------------

    @property
    def content(self) -> bytes:
        if self._content is None:
            raise RuntimeError("read the response (aread) before its content")
        return self._content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    async def aread(self) -> bytes:
        if self._content is None:
            self._content = b"".join([piece async for piece in self.aiter_bytes()])
        return self._content

    async def aiter_bytes(self) -> AsyncIterator[bytes]:
        """The body in pieces as they arrive (all that has arrived at once, joined)."""
        connection = self.connection
        try:
            while True:
                if self.pieces:
                    data = self.pieces.popleft() if len(self.pieces) == 1 else b"".join(self.pieces)
                    self.pieces.clear()
                    paused, self.buffered = self.buffered > _HIGH_WATER, 0
                    if paused:
                        connection.resume()
                    data = self._decode(data)
                    if data:
                        yield data
                    continue
                if self.complete:
                    tail = self._flush()
                    if tail:
                        yield tail
                    self.release(reusable=True)
                    return
                if self.error is not None:
                    raise self.error
                await connection.wait()
        finally:
            if not self.complete:
                self.release(reusable=False)

    async def aclose(self) -> None:
        """Done with the response: a finished one leaves its connection for reuse, an unfinished one closes it."""
        self.release(reusable=self.complete and not self.pieces)

    def release(self, *, reusable: bool) -> None:
        pool, self.pool = self.pool, None
        if pool is None:
            return
        connection = self.connection
        connection.response = None
        reusable = reusable and self.complete and self.keep_alive and not connection.closed
        pool.release(connection, reusable)

    def _decode(self, data: bytes) -> bytes:
        if self._decoder is None:
            return data
        try:
            return bytes(self._decoder.decompress(data))
        except zlib.error as exc:
            raise httpx.DecodingError(f"bad compressed body: {exc}") from None

    def _flush(self) -> bytes:
        return bytes(self._decoder.flush()) if self._decoder is not None else b""


class _Deflate:
    """``Content-Encoding: deflate`` as servers really send it: zlib-wrapped, or raw as some do."""

    def __init__(self) -> None:
        self._decoder = zlib.decompressobj()
        self._first = True

    def decompress(self, data: bytes) -> bytes:
        if self._first:
            self._first = False
            try:
                return self._decoder.decompress(data)
            except zlib.error:
                self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
        return self._decoder.decompress(data)

    def flush(self) -> bytes:
        return self._decoder.flush()
