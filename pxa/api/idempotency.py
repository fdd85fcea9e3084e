"""Idempotency-Key for POST: a retried request gets the first response, it does not run twice.

A key is scoped to the caller (a hash of the Authorization header) and the path. The first
request claims the key in SQLite before it runs, with a fingerprint of its query and body;
its response (status, headers, body) is stored before the last byte is sent, and kept 24 h.
Then the same key with
- the same request replays the stored response (`Idempotent-Replayed: true`);
- another body is 422 `IDEMPOTENCY_KEY_REUSED`;
- the first request still running is 409, with `Retry-After`.
Responses that did not run the operation — 401, 403, 429, 5xx — are not kept, so a retry
runs. `/v1/auth/` is left alone: its responses carry new secrets, which are not stored.
Pure ASGI, inside ApiMiddleware, which has already applied the body limit and request id.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import tempfile
import time
from datetime import UTC, datetime
from typing import Any

from pxa.core.infra import Infra
from pxa.errors import PxaError

Scope = dict[str, Any]
TABLE = "idempotency_keys"
KEEP_SECONDS = 24 * 3600
STALE_SECONDS = 3600  # a claim this old, or whose process is gone, is abandoned
SPOOL_BYTES = 1024 * 1024  # request bodies past this wait on disk, not in memory
CHUNK = 64 * 1024
MAX_STORED = 1024 * 1024  # a larger response is sent but not kept
SKIPPED = ("/v1/auth/",)
KEY = re.compile(r"^[\x20-\x7e]{1,255}$")
DROPPED_HEADERS = {b"content-length", b"x-request-id", b"api-version"}
OWNER = f"{socket.gethostname()}:{os.getpid()}"


def _kept(status: int) -> bool:
    return status < 500 and status not in (401, 403, 429)


class IdempotencyMiddleware:
    def __init__(self, app: Any, *, infra: Infra) -> None:
        self.app = app
        self.infra = infra
        self.store = KeyStore(infra)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode("latin-1") for k, v in scope["headers"]}
        key = headers.get("idempotency-key")
        path = scope["path"]
        if key is None or path.startswith(SKIPPED):
            await self.app(scope, receive, send)
            return
        if not KEY.match(key):
            await _error(
                scope,
                send,
                422,
                "VALIDATION_ERROR",
                "Idempotency-Key must be 1-255 printable ASCII characters",
                {"field": "Idempotency-Key", "reason": "invalid_key"},
            )
            return
        authorization = headers.get("authorization", "")
        principal = hashlib.sha256(authorization.encode()).hexdigest()
        key_id = hashlib.sha256(f"{principal}\n{path}\n{key}".encode()).hexdigest()
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            digest = hashlib.sha256(scope.get("query_string", b"") + b"\n")
            if not await _spool_body(receive, spool, digest):
                return  # the client left before sending its body
            fingerprint = digest.hexdigest()
            replay = _replaying(spool, receive)
            self.store.purge()
            while True:
                row = self.store.get(key_id)
                if row is None:
                    if self.store.claim(key_id, principal, path, key, fingerprint):
                        await self._first(scope, replay, send, key_id)
                        return
                    continue  # claimed by another request a moment ago: look again
                if row["status"] is None and self.store.abandoned(row):
                    self.store.release(key_id)  # its process died mid-request: start afresh
                    continue
                await self._answer_retry(scope, replay, send, row, fingerprint, authorization)
                return

    async def _answer_retry(
        self,
        scope: Scope,
        receive: Any,
        send: Any,
        row: dict[str, Any],
        fingerprint: str,
        authorization: str,
    ) -> None:
        if row["fingerprint"] != fingerprint:
            await _error(
                scope,
                send,
                422,
                "IDEMPOTENCY_KEY_REUSED",
                "this Idempotency-Key was used for a different request; use a new key",
                {"field": "Idempotency-Key", "reason": "different_request"},
            )
        elif row["status"] is None:
            await _error(
                scope,
                send,
                409,
                "RESOURCE_CONFLICT",
                "a request with this Idempotency-Key is still being processed",
                {"reason": "request_in_progress"},
                retry_after=1,
            )
        elif not self._still_authorized(authorization):
            await self.app(scope, receive, send)  # answers 401 and runs nothing
        else:
            await _replay(send, row)

    async def _first(self, scope: Scope, receive: Any, send: Any, key_id: str) -> None:
        status: int | None = None
        kept_headers: list[list[str]] = []
        body = bytearray()
        stored = False

        async def capture(message: Any) -> None:
            nonlocal status, stored
            if message["type"] == "http.response.start":
                status = int(message["status"])
                kept_headers.extend(
                    [k.decode("latin-1"), v.decode("latin-1")]
                    for k, v in message.get("headers", [])
                    if k.lower() not in DROPPED_HEADERS
                )
            elif message["type"] == "http.response.body" and status is not None:
                body.extend(message.get("body", b""))
                last = not message.get("more_body", False)
                if last and _kept(status) and len(body) <= MAX_STORED:
                    self.store.finish(key_id, status, kept_headers, bytes(body))
                    stored = True
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            if not stored:
                self.store.release(key_id)

    def _still_authorized(self, authorization: str) -> bool:
        """A replay is for a credential that still works: a revoked token gets its 401."""
        scheme, _, value = authorization.partition(" ")
        value = value.strip()
        if scheme.lower() != "bearer" or not value.startswith("pxa_"):
            return True  # Basic and OAuth callers were checked when the response was made
        try:
            self.infra.tokens.verify(value)
        except PxaError:
            return False
        return True


async def _spool_body(receive: Any, spool: Any, digest: Any) -> bool:
    """Read the whole body into the spool, hashing it; False if the client went away."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return False
        chunk = message.get("body", b"")
        spool.write(chunk)
        digest.update(chunk)
        if not message.get("more_body", False):
            spool.seek(0)
            return True


def _replaying(spool: Any, receive: Any) -> Any:
    """The body as read, in chunks; then the real channel (for the disconnect)."""
    done = False

    async def replay() -> Any:
        nonlocal done
        if done:
            return await receive()
        chunk = spool.read(CHUNK)
        more = bool(spool.read(1))
        if more:
            spool.seek(-1, os.SEEK_CUR)
        done = not more
        return {"type": "http.request", "body": chunk, "more_body": more}

    return replay


async def _replay(send: Any, row: dict[str, Any]) -> None:
    body: bytes = row["body"] or b""
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in json.loads(row["headers"])]
    headers += [(b"content-length", str(len(body)).encode()), (b"idempotent-replayed", b"true")]
    await send({"type": "http.response.start", "status": row["status"], "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _error(
    scope: Scope,
    send: Any,
    status: int,
    code: str,
    message: str,
    details: dict[str, Any],
    retry_after: int | None = None,
) -> None:
    rid = scope.get("state", {}).get("request_id")
    body = json.dumps(
        {
            "success": False,
            "error": {"code": code, "message": message, "details": details},
            "meta": {"request_id": rid, "timestamp": datetime.now(UTC).isoformat()},
        }
    ).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class KeyStore:
    """The `idempotency_keys` table: a claimed key has no status until its response is kept."""

    def __init__(self, infra: Infra) -> None:
        self.database = infra.database

    def _run(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        with self.database.lock:
            cursor = self.database.db.execute(sql, params)
            self.database.db.conn.commit()
            return cursor

    def purge(self) -> None:
        self._run(f"DELETE FROM {TABLE} WHERE created_at < ?", (time.time() - KEEP_SECONDS,))

    def get(self, key_id: str) -> dict[str, Any] | None:
        with self.database.lock:
            rows = list(self.database.db.query(f"SELECT * FROM {TABLE} WHERE id = ?", [key_id]))
        return rows[0] if rows else None

    def claim(self, key_id: str, principal: str, path: str, key: str, fingerprint: str) -> bool:
        cursor = self._run(
            f"INSERT OR IGNORE INTO {TABLE} (id, principal, path, key, fingerprint, owner, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (key_id, principal, path, key, fingerprint, OWNER, time.time()),
        )
        return bool(cursor.rowcount == 1)

    def finish(self, key_id: str, status: int, headers: list[list[str]], body: bytes) -> None:
        self._run(
            f"UPDATE {TABLE} SET status = ?, headers = ?, body = ? WHERE id = ?",
            (status, json.dumps(headers), body, key_id),
        )

    def release(self, key_id: str) -> None:
        self._run(f"DELETE FROM {TABLE} WHERE id = ? AND status IS NULL", (key_id,))

    @staticmethod
    def abandoned(row: dict[str, Any]) -> bool:
        if time.time() - float(row["created_at"]) > STALE_SECONDS:
            return True
        host, _, pid = str(row.get("owner") or "").rpartition(":")
        return host == socket.gethostname() and pid.isdigit() and not _alive(int(pid))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
