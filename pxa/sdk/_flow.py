"""Sans-I/O request flows: the SDK's logic, written once for the sync and async clients.

A flow is a generator that yields steps — `Send` a request, `Sleep`, `Emit` an item of an
iteration — and receives each step's outcome. The clients only drive flows: the sync one
with `httpx.Client` and `time.sleep`, the async one with `httpx.AsyncClient` and
`asyncio.sleep`. Retries, envelope decoding, pagination and job polling live here and in
the resources, never in a driver.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx

from pxa.sdk.errors import PxaConnectionError, error_for

T = TypeVar("T")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# The server did not act on these: any request may be sent again.
RETRY_ALWAYS = frozenset({429, 503})
# The server may have acted: only a request that is safe to repeat is sent again.
RETRY_IF_IDEMPOTENT = frozenset({500, 502, 504})


@dataclass(frozen=True)
class RequestSpec:
    """What to send; the driver turns it into an `httpx.Request` on every attempt."""

    method: str
    path: str
    params: Mapping[str, Any] | None = None
    json: Any = None
    data: Mapping[str, Any] | None = None
    files: Mapping[str, Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    idempotency_key: str | None = None

    @property
    def idempotent(self) -> bool:
        return self.method in IDEMPOTENT_METHODS or self.idempotency_key is not None

    def all_headers(self) -> dict[str, str]:
        headers = dict(self.headers)
        if self.idempotency_key is not None:
            headers["Idempotency-Key"] = self.idempotency_key
        return headers


@dataclass(frozen=True)
class Send:
    request: RequestSpec


@dataclass(frozen=True)
class Sleep:
    seconds: float


@dataclass(frozen=True)
class Emit:
    item: Any


Step = Send | Sleep | Emit
Flow = Generator[Step, Any, T]


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter; the server's Retry-After wins when it gives one.

    A Retry-After longer than `max_wait` is not slept through: the error is raised with
    its `retry_after`, so a script never hangs for a rate-limit window of an hour.
    """

    max_retries: int = 4
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    max_wait: float = 60.0

    def backoff(self, attempt: int) -> float:
        return random.uniform(0, min(self.backoff_max, self.backoff_base * 2**attempt))

    def delay(self, attempt: int, retry_after: float | None) -> float | None:
        """Seconds to wait before attempt `attempt + 1`, or None to stop retrying."""
        if attempt >= self.max_retries:
            return None
        if retry_after is None:
            return self.backoff(attempt)
        if retry_after > self.max_wait:
            return None
        return retry_after


def retry_after(response: httpx.Response) -> float | None:
    """The Retry-After header in seconds: a number, or an HTTP date."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def exchange(spec: RequestSpec, policy: RetryPolicy) -> Flow[dict[str, Any]]:
    """Send `spec`, retrying what is safe to retry; return the decoded success envelope."""
    attempt = 0
    while True:
        try:
            response: httpx.Response = yield Send(spec)
        except httpx.RequestError as exc:
            safe = isinstance(exc, httpx.TransportError) and spec.idempotent
            wait = policy.delay(attempt, None) if safe else None
            if wait is None:
                raise PxaConnectionError(
                    f"{spec.method} {spec.path} failed: {type(exc).__name__}: {exc}",
                    code="CONNECTION_ERROR",
                ) from exc
            yield Sleep(wait)
            attempt += 1
            continue
        if _retryable(spec, response):
            wait = policy.delay(attempt, retry_after(response))
            if wait is not None:
                yield Sleep(wait)
                attempt += 1
                continue
        return decode(response)


def _retryable(spec: RequestSpec, response: httpx.Response) -> bool:
    status = response.status_code
    if status in RETRY_ALWAYS:
        return True
    if status in RETRY_IF_IDEMPOTENT:
        return spec.idempotent
    # The first request with this Idempotency-Key is still running on the server.
    return status == 409 and spec.idempotency_key is not None and "retry-after" in response.headers


def decode(response: httpx.Response) -> dict[str, Any]:
    """The envelope of a success, or the `PxaApiError` an error envelope stands for."""
    headers = {k.lower(): v for k, v in response.headers.items()}
    request_id = headers.get("x-request-id")
    if response.status_code == 204 or (response.is_success and not response.content):
        return {"success": True}
    try:
        body = response.json()
    except ValueError:
        kind = headers.get("content-type", "no content type")
        raise PxaConnectionError(
            f"HTTP {response.status_code} with a non-JSON body ({kind}); is this pxa's /v1?",
            status=response.status_code,
            code="INVALID_RESPONSE",
            request_id=request_id,
            headers=headers,
        ) from None
    if not isinstance(body, dict) or "success" not in body:
        raise PxaConnectionError(
            f"HTTP {response.status_code} with JSON that is not pxa's envelope",
            status=response.status_code,
            code="INVALID_RESPONSE",
            request_id=request_id,
            headers=headers,
        )
    if response.is_success and body.get("success") is not False:
        return body
    raise error_for(response.status_code, body, headers, retry_after(response))


def sleep_until(deadline: float | None, poll: float) -> Sleep:
    """A sleep of `poll` seconds, cut short at `deadline` (a time.monotonic() value)."""
    if deadline is None:
        return Sleep(poll)
    return Sleep(max(0.0, min(poll, deadline - time.monotonic())))
