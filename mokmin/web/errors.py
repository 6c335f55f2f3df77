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


def error_response(request: Request, status: int, code: str, message: str, detail: str = "") -> Response:
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
        return error_response(request, 422, "invalid", message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        lang = language(request)
        key = {404: "error.not_found", 405: "error.method"}.get(exc.status_code)
        message = translate(key, lang) if key else str(exc.detail)
        return error_response(request, exc.status_code, "http", message)

    @app.exception_handler(OperationalError)
    async def _database(request: Request, exc: OperationalError) -> Response:
        log.error("database unavailable: %s", type(exc).__name__)
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
