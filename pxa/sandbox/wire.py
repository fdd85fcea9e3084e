"""Request decoding and response encoding as pve-api-daemon does them."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qsl, unquote

from pxa.sandbox.errors import PveError

REASON_HEADER = b"x-pve-reason"  # stripped by PveH11Protocol and written as the reason phrase
JSON_TYPE = b"application/json;charset=UTF-8"


@dataclass
class Request:
    method: str
    path: str
    query: bytes
    headers: dict[str, str]
    body: bytes

    def cookie(self, name: str) -> str | None:
        for part in self.headers.get("cookie", "").split(";"):
            key, sep, value = part.strip().partition("=")
            if sep and key == name:
                return unquote(value)
        return None

    def form(self) -> dict[str, Any]:
        """Body then query parameters (the query wins); repeated keys become lists."""
        values: dict[str, Any] = {}
        if self.body:
            ctype = self.headers.get("content-type", "")
            if ctype.startswith("application/json"):
                try:
                    data = json.loads(self.body)
                except ValueError:
                    raise PveError(400, "malformed JSON body") from None
                if not isinstance(data, dict):
                    raise PveError(400, "malformed JSON body")
                values.update(data)
            else:
                _merge(
                    values, parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True)
                )
        query: dict[str, Any] = {}
        _merge(query, parse_qsl(self.query.decode("latin-1"), keep_blank_values=True))
        values.update(query)
        return values


def _merge(into: dict[str, Any], pairs: list[tuple[str, str]]) -> None:
    for key, value in pairs:
        if key in into:
            prev = into[key]
            into[key] = [*prev, value] if isinstance(prev, list) else [prev, value]
        else:
            into[key] = value


@dataclass
class Response:
    status: int
    body: bytes
    reason: str | None = None
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)


def ok(data: Any, extra: dict[str, Any] | None = None) -> Response:
    return Response(200, _dumps({"data": data, **(extra or {})}))


def raw_ok(payload: bytes) -> Response:
    return Response(200, payload)


def error(exc: PveError) -> Response:
    if not exc.body:
        return Response(exc.status, b"", exc.message)
    body: dict[str, Any] = {"data": None, "message": exc.message + "\n"}
    if exc.errors:
        body["errors"] = exc.errors
    return Response(exc.status, _dumps(body), exc.message)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


async def read_body(receive: Callable[[], Awaitable[dict[str, Any]]]) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def send(send_fn: Callable[[dict[str, Any]], Awaitable[None]], resp: Response) -> None:
    headers = [
        (b"server", b"pve-api-daemon/3.0"),
        (b"cache-control", b"max-age=0"),
        (b"pragma", b"no-cache"),
        (b"expires", formatdate(usegmt=True).encode()),
        (b"content-length", str(len(resp.body)).encode()),
        *resp.headers,
    ]
    if resp.body:
        headers.append((b"content-type", JSON_TYPE))
    if resp.reason is not None:
        # Only the first line: PVE never puts CR/LF in a status line.
        headers.append((REASON_HEADER, resp.reason.split("\n", 1)[0].encode("utf-8", "replace")))
    await send_fn({"type": "http.response.start", "status": resp.status, "headers": headers})
    await send_fn({"type": "http.response.body", "body": resp.body})
