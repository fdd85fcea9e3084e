"""The SDK's errors: one class per family of the seed's error table, all `PxaApiError`.

Every error carries what the server said — `status`, `code`, `message`, `details` — and
the `request_id` to quote when reporting it. A failure to reach the server, or an answer
that is not pxa's envelope, is a `PxaConnectionError`.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "NotFoundError",
    "PermissionDeniedError",
    "PxaApiError",
    "PxaConnectionError",
    "RateLimitError",
    "ServerError",
    "ServiceUnavailableError",
    "ValidationError",
    "error_for",
]


class PxaApiError(Exception):
    """A /v1 call failed. `status` is the HTTP status (None when there was no answer)."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        request_id: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.details: dict[str, Any] = details or {}
        self.request_id = request_id
        self.headers: dict[str, str] = headers or {}

    def __str__(self) -> str:
        where = [f"HTTP {self.status}"] if self.status else []
        if self.request_id:
            where.append(f"request {self.request_id}")
        prefix = f"{self.code}: " if self.code else ""
        suffix = f" ({', '.join(where)})" if where else ""
        return f"{prefix}{self.message}{suffix}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, "
            f"message={self.message!r}, request_id={self.request_id!r})"
        )


class PxaConnectionError(PxaApiError):
    """No usable answer: the network failed, or the reply was not pxa's JSON envelope."""


class BadRequestError(PxaApiError):
    """400: a request the server cannot read (an unsupported API-Version, ...)."""


class AuthenticationError(PxaApiError):
    """401: no token, a malformed, expired or revoked one, or wrong Basic credentials."""


class PermissionDeniedError(PxaApiError):
    """403: the token lacks the operation's scope, or the instance is read-only."""


class NotFoundError(PxaApiError):
    """404: RESOURCE_NOT_FOUND."""


class ConflictError(PxaApiError):
    """409: the resource's state forbids the call (already running, locked, name taken)."""


class ValidationError(PxaApiError):
    """422: VALIDATION_ERROR; `details` names the `field`, `reason` and `provided_value`."""


class RateLimitError(PxaApiError):
    """429: RATE_LIMIT_EXCEEDED; `retry_after` is the server's wait in seconds."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(PxaApiError):
    """5xx: the server failed; quote `request_id` when reporting it."""


class ServiceUnavailableError(ServerError):
    """503: the backend (Proxmox) is unreachable or the API is in maintenance."""


BY_STATUS: dict[int, type[PxaApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}


def error_for(
    status: int,
    body: dict[str, Any],
    headers: dict[str, str],
    retry_after: float | None = None,
) -> PxaApiError:
    """The exception for an error envelope (`success: false`) answered with `status`."""
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    meta = body.get("meta") if isinstance(body.get("meta"), dict) else {}
    kwargs: dict[str, Any] = {
        "status": status,
        "code": error.get("code"),
        "details": error.get("details") if isinstance(error.get("details"), dict) else None,
        "request_id": meta.get("request_id") or headers.get("x-request-id"),
        "headers": headers,
    }
    message = str(error.get("message") or f"HTTP {status}")
    cls = BY_STATUS.get(status) or (ServerError if status >= 500 else PxaApiError)
    if cls is RateLimitError:
        return RateLimitError(message, retry_after=retry_after, **kwargs)
    return cls(message, **kwargs)
