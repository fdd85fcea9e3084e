"""AuditRepo: one row per mutation, whoever asked for it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pxa.models.audit import AuditEntry
from pxa.store.db import Database


class AuditRepo:
    def __init__(self, database: Database) -> None:
        self._d = database

    def record(
        self,
        *,
        actor: str,
        operation: str,
        target: str | None,
        arguments: dict[str, Any],
        result: str,
        error: str | None = None,
        job_id: str | None = None,
    ) -> None:
        with self._d.lock:
            self._d.db.table("audit").insert(
                {
                    "timestamp": datetime.now(UTC).isoformat(),
                    "actor": actor,
                    "operation": operation,
                    "target": target,
                    "arguments": json.dumps(arguments, default=str, sort_keys=True),
                    "result": result,
                    "error": error,
                    "job_id": job_id,
                }
            )

    def recent(self, limit: int = 100, operation: str | None = None) -> list[AuditEntry]:
        clause, args = ("where operation = ?", [operation]) if operation else ("", [])
        with self._d.lock:
            rows = list(
                self._d.db.query(
                    f"select * from audit {clause} order by id desc limit ?", [*args, limit]
                )
            )
        return [
            AuditEntry(
                timestamp=datetime.fromisoformat(r["timestamp"]),
                actor=r["actor"],
                operation=r["operation"],
                target=r["target"],
                arguments=json.loads(r["arguments"] or "{}"),
                result=r["result"],
                error=r["error"],
                job_id=r["job_id"],
            )
            for r in rows
        ]
