"""Opening the database: one file, WAL, private to the user, schema created on open."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import sqlite_utils

SCHEMA: dict[str, tuple[dict[str, type], str]] = {
    "jobs": (
        {
            "id": str,
            "type": str,
            "status": str,
            "progress": int,
            "target": str,
            "params": str,
            "state": str,
            "step": int,
            "upid": str,
            "error": str,
            "result": str,
            "actor": str,
            "owner": str,
            "heartbeat_at": float,
            "cancel_requested": int,
            "created_at": str,
            "started_at": str,
            "finished_at": str,
            "estimated_completion": str,
        },
        "id",
    ),
    "job_logs": (
        {
            "id": int,
            "job_id": str,
            "timestamp": str,
            "level": str,
            "message": str,
            "source": str,
        },
        "id",
    ),
    "meta": (
        {"key": str, "data": str, "updated_at": str},
        "key",
    ),
    "tokens": (
        {
            "id": str,
            "name": str,
            "description": str,
            "token_hash": str,
            "prefix": str,
            "permissions": str,
            "created_at": str,
            "expires_at": str,
            "revoked_at": str,
            "last_used_at": str,
            "created_by": str,
        },
        "id",
    ),
    "users": (
        {"username": str, "password_hash": str, "scopes": str, "created_at": str},
        "username",
    ),
    "scans": (
        {
            "id": str,
            "type": str,
            "status": str,
            "targets": str,
            "started_at": str,
            "finished_at": str,
            "estimated_completion": str,
            "job_id": str,
            "summary": str,
        },
        "id",
    ),
    "findings": (
        {
            "id": int,
            "scan_id": str,
            "target": str,
            "target_name": str,
            "rule_id": str,
            "severity": str,
            "data": str,
        },
        "id",
    ),
    "scores": (
        {
            "id": int,
            "scan_id": str,
            "target": str,
            "at": str,
            "score": int,
            "counts": str,
        },
        "id",
    ),
    "facts": (
        {"id": str, "data": str, "updated_at": str},
        "id",
    ),
    "audit": (
        {
            "id": int,
            "timestamp": str,
            "actor": str,
            "operation": str,
            "target": str,
            "arguments": str,
            "result": str,
            "error": str,
            "job_id": str,
        },
        "id",
    ),
    "idempotency_keys": (
        {
            "id": str,
            "principal": str,
            "path": str,
            "key": str,
            "fingerprint": str,
            "status": int,
            "headers": str,
            "body": bytes,
            "owner": str,
            "created_at": float,
        },
        "id",
    ),
    "webhooks": (
        {
            "id": str,
            "url": str,
            "events": str,
            "secret": str,
            "active": int,
            "created_at": str,
            "created_by": str,
        },
        "id",
    ),
    "webhook_deliveries": (
        {
            "id": str,
            "webhook_id": str,
            "event": str,
            "occurred_at": str,
            "data": str,
            "status": str,
            "attempts": int,
            "last_status_code": int,
            "last_response_ms": int,
            "last_error": str,
            "due_at": float,
            "lease_owner": str,
            "lease_until": float,
            "created_at": str,
            "finished_at": str,
        },
        "id",
    ),
    "webhook_attempts": (
        {
            "id": int,
            "delivery_id": str,
            "attempt": int,
            "at": str,
            "status_code": int,
            "response_ms": int,
            "error": str,
        },
        "id",
    ),
    "chat_sessions": (
        {
            "id": str,
            "title": str,
            "model": str,
            "created_at": str,
            "updated_at": str,
            "usage": str,
            "cost_usd": float,
        },
        "id",
    ),
    "chat_messages": (
        {
            "id": int,
            "session_id": str,
            "role": str,
            "content": str,
            "created_at": str,
        },
        "id",
    ),
}

INDEXES = (
    ("jobs", ["status"]),
    ("jobs", ["created_at"]),
    ("job_logs", ["job_id"]),
    ("audit", ["timestamp"]),
    ("findings", ["scan_id"]),
    ("tokens", ["token_hash"]),
    ("scores", ["target", "at"]),
    ("webhook_deliveries", ["status", "due_at"]),
    ("webhook_deliveries", ["webhook_id", "created_at"]),
    ("webhook_attempts", ["delivery_id"]),
    ("chat_messages", ["session_id"]),
)


class Database:
    """A thread-safe handle: one connection, serialised by a lock (writes are sub-ms)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fresh = not path.exists()
        conn = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
        if fresh:
            os.chmod(path, 0o600)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute("PRAGMA synchronous=NORMAL")
        self.db = sqlite_utils.Database(conn)
        self.lock = threading.RLock()
        self._create()

    def _create(self) -> None:
        with self.lock:
            for name, (columns, pk) in SCHEMA.items():
                table = self.db.table(name)
                if not table.exists():
                    table.create(columns, pk=pk, not_null={pk} if pk != "id" else None)
            for table_name, cols in INDEXES:
                self.db.table(table_name).create_index(cols, if_not_exists=True)
        for suffix in ("-wal", "-shm"):
            side = Path(str(self.path) + suffix)
            if side.exists():
                os.chmod(side, 0o600)

    def close(self) -> None:
        with self.lock:
            self.db.conn.close()
