"""The seed's envelope: `success`, `data` or `error`, and `meta` on every response."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from fastapi import Request
from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class Meta(BaseModel):
    request_id: str
    timestamp: datetime
    execution_time_ms: int | None = None


class Envelope(BaseModel, Generic[T]):
    success: bool = True
    data: T
    meta: Meta


class MessageEnvelope(BaseModel):
    success: bool = True
    message: str
    meta: Meta


class ErrorBody(BaseModel):
    code: str
    message: str
    details: dict[str, Any] | None = None


class ErrorEnvelope(BaseModel):
    model_config = ConfigDict(json_schema_extra={"description": "Every error response"})
    success: bool = False
    error: ErrorBody
    meta: Meta


def new_request_id() -> str:
    return "req_" + uuid.uuid4().hex[:16]


def meta(request: Request) -> Meta:
    started = getattr(request.state, "started", None)
    elapsed = int((time.perf_counter() - started) * 1000) if started else None
    return Meta(
        request_id=getattr(request.state, "request_id", None) or new_request_id(),
        timestamp=datetime.now(UTC),
        execution_time_ms=elapsed,
    )


def ok(request: Request, data: T) -> Envelope[T]:
    return Envelope[Any](data=data, meta=meta(request))  # type: ignore[return-value]


def message(request: Request, text: str) -> MessageEnvelope:
    return MessageEnvelope(message=text, meta=meta(request))
