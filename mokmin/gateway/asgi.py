"""``POST /v1/chat/completions`` served as plain ASGI, ahead of FastAPI's router and the browser middleware.

Every model call from an OpenAI client comes this way, so what it passes through is paid on each one. The
router tries its routes one by one (the page routes come first), and the session cookie middleware has nothing
to do for an API key. :class:`DirectRoute` sits inside the request-size limit and the metrics middleware, and
hands this one path straight to the same endpoint function the router would call, with the same headers.
Failures are answered by the application's own exception handlers, looked up as Starlette's exception
middleware looks them up; anything unhandled goes on up to the server-error handler, as it would otherwise.
Every other request, including other methods on this path, takes the usual way.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from mokmin.gateway import api

PATH = "/v1/chat/completions"
Handler = Callable[[Request, Exception], Response | Awaitable[Response]]


class DirectRoute:
    """Pure ASGI middleware: the chat completions endpoint without routing; everything else to ``app``."""

    def __init__(self, app: ASGIApp, handlers: Mapping[Any, Handler]) -> None:
        self.app = app
        # As Starlette's ExceptionMiddleware: by exception class; Exception itself is the server-error
        # middleware's (outermost), so unhandled errors still reach it.
        self.handlers = {
            kind: handler
            for kind, handler in handlers.items()
            if isinstance(kind, type) and kind is not Exception
        }
        self.route = next(route for route in api.router.routes if getattr(route, "path", None) == PATH)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or _route_path(scope) != PATH:
            await self.app(scope, receive, send)
            return
        scope["route"] = self.route  # what the router would have set: metrics label requests by it
        request = Request(scope, receive)
        headers = _headers(scope)
        try:
            response = await api.chat_completions(
                request,
                headers.get(b"authorization"),
                headers.get(b"x-mokmin-data-level"),
                headers.get(b"x-mokmin-purpose"),
            )
        except Exception as error:
            handler = self._handler(error)
            if handler is None:
                raise
            answer = handler(request, error)
            response = await answer if inspect.isawaitable(answer) else answer
        await response(scope, receive, send)

    def _handler(self, error: Exception) -> Handler | None:
        for kind in type(error).__mro__:
            if kind in self.handlers:
                return self.handlers[kind]
        return None


def _route_path(scope: Scope) -> str:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _headers(scope: Scope) -> dict[bytes, str]:
    """The first value of each header the endpoint reads (as Starlette's ``Headers.get`` gives it)."""
    wanted: dict[bytes, str] = {}
    for name, value in scope["headers"]:
        if name in _READ and name not in wanted:
            wanted[name] = value.decode("latin-1")
    return wanted


_READ = frozenset((b"authorization", b"x-mokmin-data-level", b"x-mokmin-purpose"))
