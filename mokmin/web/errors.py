"""Turn every failure into a clear, localised answer: JSON ``{"error", "detail"}`` or an HTML page.

No traceback ever reaches a user; unexpected errors are logged with a reference the user can quote.
"""

from __future__ import annotations

import logging
import secrets

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from mokmin.core.errors import MokminError, NotAuthenticated
from mokmin.core.i18n import translate
from mokmin.web.deps import language

log = logging.getLogger("mokmin.web")


def wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/v1/", "/healthz", "/metrics")):
        return False
    return "text/html" in request.headers.get("accept", "")


OPENAI_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "invalid_request_error",
    409: "invalid_request_error",
    413: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
}


def openai_error_body(status: int, message: str, code: str) -> dict[str, dict[str, str | None]]:
    """OpenAI's error shape, so OpenAI SDKs raise their usual exceptions with our message."""
    kind = OPENAI_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def error_response(request: Request, status: int, code: str, message: str, detail: str = "") -> Response:
    if request.url.path.startswith("/v1/"):
        headers = {"www-authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(openai_error_body(status, message, code), status_code=status, headers=headers)
    if wants_html(request):
        if status == 401:
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        from mokmin.web.rendering import render

        return render(request, "error.html", {"status": status, "message": message}, status_code=status)
    return JSONResponse({"error": message, "detail": detail or code}, status_code=status)


def _field_names(exc: RequestValidationError) -> str:
    names = []
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ()) if part not in ("body", "query", "path", "form")]
        names.append(".".join(loc) or "body")
    return ", ".join(dict.fromkeys(names))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(MokminError)
    async def _mokmin(request: Request, exc: MokminError) -> Response:
        message = exc.localized(language(request))
        return error_response(request, exc.status, exc.code, message, exc.detail)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        message = translate("error.invalid", language(request), fields=_field_names(exc))
        status = 400 if request.url.path.startswith("/v1/") else 422
        return error_response(request, status, "invalid", message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        lang = language(request)
        key = {404: "error.not_found", 405: "error.method"}.get(exc.status_code)
        message = translate(key, lang) if key else str(exc.detail)
        return error_response(request, exc.status_code, "http", message)

    @app.exception_handler(OperationalError)
    async def _database(request: Request, exc: OperationalError) -> Response:
        log.exception("database unavailable: %s %s", type(exc).__name__, getattr(exc.orig, "args", ("",))[0])
        return error_response(request, 503, "database", translate("error.database", language(request)))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        ref = secrets.token_hex(4)
        # Only the type is logged: exception text can carry user input, and logs never carry personal data.
        log.error("unexpected error ref=%s path=%s type=%s", ref, request.url.path, type(exc).__name__)
        return error_response(
            request, 500, "internal", translate("error.internal", language(request), ref=ref)
        )


__all__ = ["NotAuthenticated", "error_response", "install_error_handlers"]
