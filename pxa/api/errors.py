"""One translation of failures into the seed's error envelope and code table."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from pxa.api.envelope import ErrorBody, ErrorEnvelope, meta
from pxa.errors import PxaError

log = logging.getLogger(__name__)

HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "INVALID_TOKEN",
    403: "INSUFFICIENT_PERMISSIONS",
    404: "RESOURCE_NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "RESOURCE_CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMIT_EXCEEDED",
    503: "SERVICE_UNAVAILABLE",
}


class ApiError(Exception):
    """An error a router or dependency raises with its code, status and details."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details, self.headers = details, headers


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorEnvelope(
        error=ErrorBody(code=code, message=message, details=details or None), meta=meta(request)
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


def _validation_details(exc: RequestValidationError) -> tuple[str, dict[str, Any]]:
    errors = exc.errors()
    first = errors[0] if errors else {"loc": (), "msg": "invalid request", "type": "invalid"}
    loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path", "header")]
    field = ".".join(loc) or None
    details: dict[str, Any] = {"field": field, "reason": first.get("type")}
    if "input" in first and field:
        value = first["input"]
        if isinstance(value, str | int | float | bool) or value is None:
            details["provided_value"] = value
    if len(errors) > 1:
        details["errors"] = [
            {"field": ".".join(str(p) for p in e["loc"][1:]), "message": e["msg"]} for e in errors
        ]
    message = f"{field}: {first.get('msg')}" if field else str(first.get("msg"))
    return message, details


def invalid(exc: ValidationError) -> PxaError:
    """A pydantic error raised while building a core request: a 422 naming the field."""
    from pxa.errors import Invalid

    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or None
    value = first.get("input")
    plain = isinstance(value, str | int | float | bool)
    return Invalid(
        f"{field}: {first['msg']}" if field else first["msg"],
        field=field,
        reason=first["type"],
        provided_value=value if plain and field else None,
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(PxaError)
    async def pxa_error(request: Request, exc: PxaError) -> JSONResponse:
        headers = {"WWW-Authenticate": 'Bearer realm="pxa"'} if exc.http_status == 401 else None
        return error_response(request, exc.http_status, exc.code, exc.message, exc.details, headers)

    @app.exception_handler(ValidationError)
    async def model_error(request: Request, exc: ValidationError) -> JSONResponse:
        err = invalid(exc)
        return error_response(request, 422, err.code, err.message, err.details)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(request, exc.status, exc.code, exc.message, exc.details, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        message, details = _validation_details(exc)
        return error_response(request, 422, "VALIDATION_ERROR", message, details)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        code = HTTP_CODES.get(exc.status_code, "ERROR")
        return error_response(
            request, exc.status_code, code, str(exc.detail), headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        rid = getattr(request.state, "request_id", "?")
        log.exception("unexpected error in request %s", rid)
        return error_response(
            request,
            500,
            "INTERNAL_ERROR",
            f"internal error; quote request id {rid} when reporting it",
        )
