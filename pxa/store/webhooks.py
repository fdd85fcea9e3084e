"""WebhookRepo: webhooks, their delivery queue and the log of every attempt.

The queue lives in SQLite so it survives a restart. A process takes due deliveries with
a lease (one UPDATE, so two pxa processes on one database never send the same attempt);
a lease left by a process that died simply runs out and the delivery is taken again.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pxa.models.webhook import Delivery, DeliveryAttempt, DeliveryStatus, Webhook
from pxa.store.db import Database


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _epoch_dt(value: float | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value is not None else None


@dataclass(frozen=True)
class DueDelivery:
    """A leased delivery with what sending it needs (the secret included: never log this)."""

    id: str
    webhook_id: str
    url: str
    secret: str
    event: str
    occurred_at: str
    data: dict[str, Any]
    attempt: int  # the number of the attempt about to be made


class WebhookRepo:
    def __init__(self, database: Database) -> None:
        self._d = database

    # --- webhooks -------------------------------------------------------------------------
    def insert(self, row: dict[str, Any]) -> None:
        with self._d.lock:
            self._d.db.table("webhooks").insert({**row, "events": json.dumps(row["events"])})

    def get(self, webhook_id: str) -> Webhook | None:
        with self._d.lock:
            rows = list(self._d.db.query("select * from webhooks where id = ?", [webhook_id]))
        return _webhook(rows[0]) if rows else None

    def all(self) -> list[Webhook]:
        with self._d.lock:
            rows = list(self._d.db.query("select * from webhooks order by created_at, rowid"))
        return [_webhook(r) for r in rows]

    def subscribers(self, event: str) -> list[str]:
        """Ids of the active webhooks that asked for this event."""
        with self._d.lock:
            rows = list(self._d.db.query("select id, events from webhooks where active = 1"))
        return [r["id"] for r in rows if event in json.loads(r["events"])]

    def delete(self, webhook_id: str) -> bool:
        with self._d.lock, self._d.db.conn:
            conn = self._d.db.conn
            conn.execute(
                "delete from webhook_attempts where delivery_id in "
                "(select id from webhook_deliveries where webhook_id = ?)",
                [webhook_id],
            )
            conn.execute("delete from webhook_deliveries where webhook_id = ?", [webhook_id])
            return conn.execute("delete from webhooks where id = ?", [webhook_id]).rowcount == 1

    # --- the queue ------------------------------------------------------------------------
    def enqueue(self, webhook_id: str, event: str, occurred_at: str, data: dict[str, Any]) -> str:
        delivery_id = "dlv_" + uuid.uuid4().hex[:16]
        with self._d.lock:
            self._d.db.table("webhook_deliveries").insert(
                {
                    "id": delivery_id,
                    "webhook_id": webhook_id,
                    "event": event,
                    "occurred_at": occurred_at,
                    "data": json.dumps(data, default=str),
                    "status": DeliveryStatus.pending.value,
                    "attempts": 0,
                    "due_at": time.time(),
                    "created_at": _now(),
                }
            )
        return delivery_id

    def lease_due(self, limit: int, lease_seconds: float) -> list[DueDelivery]:
        now, token = time.time(), uuid.uuid4().hex
        with self._d.lock, self._d.db.conn:
            conn = self._d.db.conn
            conn.execute(
                "update webhook_deliveries set lease_owner = ?, lease_until = ? where id in ("
                " select id from webhook_deliveries where status = 'pending' and due_at <= ?"
                " and (lease_until is null or lease_until < ?) order by due_at limit ?)",
                [token, now + lease_seconds, now, now, limit],
            )
            rows = conn.execute(
                "select d.id, d.webhook_id, d.event, d.occurred_at, d.data, d.attempts,"
                " w.url, w.secret from webhook_deliveries d join webhooks w on w.id = d.webhook_id"
                " where d.lease_owner = ? order by d.due_at",
                [token],
            ).fetchall()
        return [
            DueDelivery(
                id=r[0],
                webhook_id=r[1],
                event=r[2],
                occurred_at=r[3],
                data=json.loads(r[4] or "{}"),
                attempt=r[5] + 1,
                url=r[6],
                secret=r[7],
            )
            for r in rows
        ]

    def next_due(self) -> float | None:
        """When the earliest pending delivery falls due (unix seconds), if any."""
        with self._d.lock:
            row = self._d.db.execute(
                "select min(max(due_at, coalesce(lease_until, 0))) from webhook_deliveries"
                " where status = 'pending'"
            ).fetchone()
        return row[0] if row and row[0] is not None else None

    def record_attempt(
        self,
        delivery_id: str,
        attempt: int,
        *,
        status_code: int | None,
        response_ms: int | None,
        error: str | None,
        outcome: DeliveryStatus,
        retry_at: float | None,
    ) -> None:
        finished = _now() if outcome is not DeliveryStatus.pending else None
        with self._d.lock, self._d.db.conn:
            conn = self._d.db.conn
            conn.execute(
                "insert into webhook_attempts"
                " (delivery_id, attempt, at, status_code, response_ms, error)"
                " values (?, ?, ?, ?, ?, ?)",
                [delivery_id, attempt, _now(), status_code, response_ms, error],
            )
            conn.execute(
                "update webhook_deliveries set status = ?, attempts = ?, last_status_code = ?,"
                " last_response_ms = ?, last_error = ?, due_at = ?, lease_owner = null,"
                " lease_until = null, finished_at = ? where id = ?",
                [
                    outcome.value,
                    attempt,
                    status_code,
                    response_ms,
                    error,
                    retry_at,
                    finished,
                    delivery_id,
                ],
            )

    def release(self, delivery_ids: list[str]) -> None:
        """Give back leases not used (shutting down mid-send): due again at once."""
        if not delivery_ids:
            return
        marks = ",".join("?" for _ in delivery_ids)
        with self._d.lock, self._d.db.conn:
            self._d.db.conn.execute(
                f"update webhook_deliveries set lease_owner = null, lease_until = null"
                f" where status = 'pending' and id in ({marks})",
                delivery_ids,
            )

    def prune(self, older_than_seconds: float) -> int:
        """Forget finished deliveries older than this; pending ones are always kept."""
        cutoff = datetime.fromtimestamp(time.time() - older_than_seconds, UTC).isoformat()
        with self._d.lock, self._d.db.conn:
            conn = self._d.db.conn
            old = "select id from webhook_deliveries where status != 'pending' and finished_at < ?"
            conn.execute(f"delete from webhook_attempts where delivery_id in ({old})", [cutoff])
            return conn.execute(
                "delete from webhook_deliveries where status != 'pending' and finished_at < ?",
                [cutoff],
            ).rowcount

    # --- reading the log ------------------------------------------------------------------
    def delivery(self, delivery_id: str) -> Delivery | None:
        with self._d.lock:
            rows = list(
                self._d.db.query("select * from webhook_deliveries where id = ?", [delivery_id])
            )
        return self._with_history(rows)[0] if rows else None

    def deliveries(
        self, webhook_id: str, *, limit: int = 50, status: DeliveryStatus | None = None
    ) -> list[Delivery]:
        clause, args = ("and status = ?", [status.value]) if status else ("", [])
        with self._d.lock:
            rows = list(
                self._d.db.query(
                    f"select * from webhook_deliveries where webhook_id = ? {clause}"
                    " order by created_at desc, rowid desc limit ?",
                    [webhook_id, *args, limit],
                )
            )
        return self._with_history(rows)

    def _with_history(self, rows: list[dict[str, Any]]) -> list[Delivery]:
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        marks = ",".join("?" for _ in ids)
        history: dict[str, list[DeliveryAttempt]] = {i: [] for i in ids}
        with self._d.lock:
            for a in self._d.db.query(
                f"select * from webhook_attempts where delivery_id in ({marks})"
                " order by attempt, id",
                ids,
            ):
                history[a["delivery_id"]].append(
                    DeliveryAttempt(
                        attempt=a["attempt"],
                        at=datetime.fromisoformat(a["at"]),
                        status_code=a["status_code"],
                        response_ms=a["response_ms"],
                        error=a["error"],
                    )
                )
        return [_delivery(r, history[r["id"]]) for r in rows]


def _webhook(r: dict[str, Any]) -> Webhook:
    return Webhook(
        id=r["id"],
        url=r["url"],
        events=json.loads(r["events"]),
        active=bool(r["active"]),
        created_at=datetime.fromisoformat(r["created_at"]),
    )


def _delivery(r: dict[str, Any], history: list[DeliveryAttempt]) -> Delivery:
    pending = r["status"] == DeliveryStatus.pending.value
    return Delivery(
        id=r["id"],
        event=r["event"],
        status=DeliveryStatus(r["status"]),
        attempts=r["attempts"] or 0,
        last_status_code=r["last_status_code"],
        last_response_ms=r["last_response_ms"],
        last_error=r["last_error"],
        next_attempt_at=_epoch_dt(r["due_at"]) if pending else None,
        created_at=datetime.fromisoformat(r["created_at"]),
        history=history,
    )
