"""One error base for the whole platform.

Services raise these; one handler in the web layer turns them into ``{"error": ..., "detail": ...}`` with a
message a clerk can act on. Services never raise HTTP exceptions.

Hierarchy::

    MokminError (400)
    ├── ValidationFailed (422)
    ├── NotAuthenticated (401)
    ├── PermissionDenied (403)
    ├── NotFound (404)
    ├── Conflict (409)
    ├── TooLarge (413)
    ├── Locked (423)
    ├── RateLimited (429)
    └── Unavailable (503)

Domains subclass the nearest one (e.g. ``gateway.errors.BudgetExceeded(RateLimited)``).
"""

from __future__ import annotations


class MokminError(Exception):
    """A failure the user can understand.

    ``message`` is a catalogue key (translated per request by the handler) or, for text that is already
    written for the user, the text itself. ``params`` fill the catalogue message's placeholders.
    """

    status: int = 400
    code: str = "bad_request"

    def __init__(
        self, message: str, status: int | None = None, *, detail: str = "", **params: object
    ) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.params = params
        if status is not None:
            self.status = status

    def localized(self, lang: str) -> str:
        """The message in ``lang`` when ``message`` is a catalogue key; free text passes through."""
        from mokmin.core.i18n import normalize_language, translate

        return translate(self.message, normalize_language(lang), **self.params)


class ValidationFailed(MokminError):
    status = 422
    code = "invalid"


class NotAuthenticated(MokminError):
    status = 401
    code = "not_authenticated"


class PermissionDenied(MokminError):
    status = 403
    code = "forbidden"


class NotFound(MokminError):
    status = 404
    code = "not_found"


class Conflict(MokminError):
    status = 409
    code = "conflict"


class TooLarge(MokminError):
    status = 413
    code = "too_large"


class Locked(MokminError):
    status = 423
    code = "locked"


class RateLimited(MokminError):
    status = 429
    code = "rate_limited"


class Unavailable(MokminError):
    status = 503
    code = "unavailable"
