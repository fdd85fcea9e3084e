"""Pure-ASGI middleware (no per-request task switching): request id, timing, API-Version,
body size limit, and the rate-limit headers a route's dependency decided on."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from pxa.api.envelope import new_request_id

Scope = dict[str, Any]
REQUEST_ID = re.compile(r"^[A-Za-z0-9_\-.]{1,64}$")
SUPPORTED_VERSIONS = ("v1",)


class ApiMiddleware:
    def __init__(self, app: Any, *, max_body_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_json = max_body_bytes
        self.max_upload = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode("latin-1") for k, v in scope["headers"]}
        given = headers.get("x-request-id", "")
        rid = given if REQUEST_ID.match(given) else new_request_id()
        state = scope.setdefault("state", {})
        state["request_id"], state["started"] = rid, time.perf_counter()
        version = headers.get("api-version")
        if version and version not in SUPPORTED_VERSIONS:
            await _reject(
                send,
                rid,
                400,
                "UNSUPPORTED_API_VERSION",
                f"API-Version {version!r} is not supported; supported: v1",
            )
            return
        # Uploads (ISOs, images) are streamed to disk, so they get their own, larger limit.
        upload = scope["path"].endswith("/upload")
        limit = self.max_upload if upload else self.max_json
        if _has_body(scope["method"], headers) and not upload:
            kind = headers.get("content-type", "").split(";")[0].strip().lower()
            if kind != "application/json":
                await _reject(
                    send,
                    rid,
                    415,
                    "UNSUPPORTED_MEDIA_TYPE",
                    "send the request body as application/json",
                )
                return
        length = headers.get("content-length")
        if length and length.isdigit() and int(length) > limit:
            await _reject(send, rid, 413, "PAYLOAD_TOO_LARGE", f"request body over {limit} bytes")
            return

        seen = 0

        async def limited_receive() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge
            return message

        app_receive = limited_receive
        if not upload and _has_body(scope["method"], headers):
            # A JSON body (bounded by the limit) is read whole and checked before any route
            # sees it: over the limit without a Content-Length is a 413 here, not the
            # route's "error parsing the body"; text that is not UTF-8, or strings holding
            # a lone surrogate (which cannot be stored, sent on or echoed), are a 400.
            try:
                body, tail = await _read_body(limited_receive)
            except BodyTooLarge:
                await _reject(
                    send, rid, 413, "PAYLOAD_TOO_LARGE", f"request body over {limit} bytes"
                )
                return
            problem = _text_problem(body)
            if problem:
                await _reject(send, rid, 400, "BAD_REQUEST", problem)
                return
            app_receive = _replay(body, tail, receive)

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"x-request-id", rid.encode()), (b"api-version", b"v1")]
                for name, value in state.get("ratelimit", {}).items():
                    extra.append((name.lower().encode(), str(value).encode()))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, app_receive, send_with_headers)
        except BodyTooLarge:
            await _reject(send, rid, 413, "PAYLOAD_TOO_LARGE", f"request body over {limit} bytes")


def _has_body(method: str, headers: dict[str, str]) -> bool:
    if method not in ("POST", "PUT", "PATCH"):
        return False
    length = headers.get("content-length")
    return bool(headers.get("transfer-encoding")) or (length is not None and length != "0")


class BodyTooLarge(Exception):
    pass


async def _read_body(receive: Any) -> tuple[bytes, dict[str, Any] | None]:
    """The whole body, and a message that ended the read early (a disconnect), if any."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), message
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), None


def _replay(body: bytes, tail: dict[str, Any] | None, receive: Any) -> Any:
    sent = False

    async def replayed() -> Any:
        nonlocal sent
        if not sent:
            sent = True
            return tail or {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


# A \uD800-\uDFFF escape: only then can parsed JSON hold a surrogate (raw bytes of one
# are not UTF-8, which the strict decode below refuses).
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _text_problem(body: bytes) -> str | None:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"the request body is not valid UTF-8 (byte {exc.start})"
    if SURROGATE_ESCAPE.search(text):
        try:
            # Paired escapes make one character and encode fine; a lone one cannot.
            json.dumps(json.loads(text), ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return "the request body holds a lone UTF-16 surrogate (\\uD800-\\uDFFF)"
        except (ValueError, RecursionError):
            pass  # not JSON at all: the route says so
    return None


async def _reject(send: Any, rid: str, status: int, code: str, message: str) -> None:
    from datetime import UTC, datetime

    body = json.dumps(
        {
            "success": False,
            "error": {"code": code, "message": message, "details": None},
            "meta": {"request_id": rid, "timestamp": datetime.now(UTC).isoformat()},
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"x-request-id", rid.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
