"""JobRepo: jobs, their persisted workflow state and their log lines."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

from pxa.models.job import Job, JobLog, JobQuery, JobStatus
from pxa.store.db import Database


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class JobRepo:
    def __init__(self, database: Database) -> None:
        self._d = database

    def insert(self, row: dict[str, Any]) -> None:
        with self._d.lock:
            self._d.db.table("jobs").insert(row)

    def update(self, job_id: str, **fields: Any) -> None:
        for key in ("params", "state", "result"):
            if key in fields and not isinstance(fields[key], str | None):
                fields[key] = json.dumps(fields[key])
        with self._d.lock:
            self._d.db.table("jobs").update(job_id, fields)

    def row(self, job_id: str) -> dict[str, Any] | None:
        with self._d.lock:
            rows = list(self._d.db.query("select * from jobs where id = ?", [job_id]))
        return rows[0] if rows else None

    def claim(self, job_id: str, owner: str, expected_owner: str | None) -> bool:
        """Take ownership atomically; False when another process got there first."""
        with self._d.lock:
            cur = self._d.db.execute(
                "update jobs set owner = ?, heartbeat_at = ? where id = ? and owner is ?",
                [owner, time.time(), job_id, expected_owner],
            )
            self._d.db.conn.commit()
            return cur.rowcount == 1

    def heartbeat(self, job_ids: list[str], owner: str) -> None:
        if not job_ids:
            return
        marks = ",".join("?" for _ in job_ids)
        with self._d.lock:
            self._d.db.execute(
                f"update jobs set heartbeat_at = ? where owner = ? and id in ({marks})",
                [time.time(), owner, *job_ids],
            )
            self._d.db.conn.commit()

    def unfinished(self) -> list[dict[str, Any]]:
        with self._d.lock:
            return list(
                self._d.db.query("select * from jobs where status in ('pending', 'running')")
            )

    def add_log(self, job_id: str, message: str, level: str = "info", source: str = "pxa") -> None:
        with self._d.lock:
            self._d.db.table("job_logs").insert(
                {
                    "job_id": job_id,
                    "timestamp": _now(),
                    "level": level,
                    "message": message,
                    "source": source,
                }
            )

    def logs(self, job_id: str) -> list[JobLog]:
        with self._d.lock:
            rows = list(
                self._d.db.query("select * from job_logs where job_id = ? order by id", [job_id])
            )
        return [
            JobLog(
                timestamp=datetime.fromisoformat(r["timestamp"]),
                level=r["level"],
                message=r["message"],
                source=r["source"],
            )
            for r in rows
        ]

    def get(self, job_id: str, *, with_logs: bool = True) -> Job | None:
        row = self.row(job_id)
        if row is None:
            return None
        return self.to_model(row, self.logs(job_id) if with_logs else [])

    def query(self, q: JobQuery) -> tuple[list[Job], int]:
        where, args = [], []
        if q.status:
            where.append("status = ?")
            args.append(q.status.value)
        if q.type:
            where.append("type = ?")
            args.append(q.type)
        if q.target:
            where.append("target = ?")
            args.append(q.target)
        clause = f"where {' and '.join(where)}" if where else ""
        with self._d.lock:
            total = next(self._d.db.query(f"select count(*) as n from jobs {clause}", args))["n"]
            rows = list(
                self._d.db.query(
                    f"select * from jobs {clause} order by created_at desc limit ? offset ?",
                    [*args, q.limit, q.offset],
                )
            )
        return [self.to_model(r, []) for r in rows], total

    @staticmethod
    def to_model(row: dict[str, Any], logs: list[JobLog]) -> Job:
        started, finished = _dt(row.get("started_at")), _dt(row.get("finished_at"))
        return Job(
            id=row["id"],
            type=row["type"],
            status=JobStatus(row["status"]),
            progress=row.get("progress") or 0,
            target=row.get("target"),
            started_at=started,
            finished_at=finished,
            estimated_completion=_dt(row.get("estimated_completion")),
            duration_seconds=(finished - started).total_seconds() if started and finished else None,
            error=row.get("error"),
            result=json.loads(row["result"]) if row.get("result") else None,
            upid=row.get("upid"),
            actor=row.get("actor"),
            created_at=datetime.fromisoformat(row["created_at"]),
            logs=logs,
        )
