"""ScanRepo: scans, their findings, and every guest's score over time."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pxa.models.scan import FindingOut, GuestScore, Scan, ScoreHistoryPoint
from pxa.store.db import Database


def _dt(v: str | None) -> datetime | None:
    return datetime.fromisoformat(v) if v else None


class ScanRepo:
    def __init__(self, database: Database) -> None:
        self._d = database

    def create(self, scan: Scan) -> None:
        with self._d.lock:
            self._d.db.table("scans").insert(self._row(scan))

    def update(self, scan: Scan) -> None:
        with self._d.lock:
            self._d.db.table("scans").update(scan.id, self._row(scan))

    @staticmethod
    def _row(scan: Scan) -> dict[str, Any]:
        return {
            "id": scan.id,
            "type": scan.type,
            "status": scan.status,
            "targets": json.dumps(scan.targets),
            "started_at": scan.started_at.isoformat(),
            "finished_at": scan.finished_at.isoformat() if scan.finished_at else None,
            "estimated_completion": (
                scan.estimated_completion.isoformat() if scan.estimated_completion else None
            ),
            "job_id": scan.job_id,
            "summary": json.dumps(scan.summary) if scan.summary is not None else None,
        }

    @staticmethod
    def _scan(r: dict[str, Any]) -> Scan:
        return Scan(
            id=r["id"],
            type=r["type"],
            status=r["status"],
            targets=json.loads(r["targets"] or "[]"),
            started_at=datetime.fromisoformat(r["started_at"]),
            finished_at=_dt(r.get("finished_at")),
            estimated_completion=_dt(r.get("estimated_completion")),
            job_id=r.get("job_id"),
            summary=json.loads(r["summary"]) if r.get("summary") else None,
        )

    def get(self, scan_id: str) -> Scan | None:
        with self._d.lock:
            rows = list(self._d.db.query("select * from scans where id = ?", [scan_id]))
        return self._scan(rows[0]) if rows else None

    def recent(self, limit: int) -> list[Scan]:
        with self._d.lock:
            rows = list(
                self._d.db.query("select * from scans order by started_at desc limit ?", [limit])
            )
        return [self._scan(r) for r in rows]

    def save_results(
        self, scan_id: str, findings: list[dict[str, Any]], scores: list[GuestScore]
    ) -> None:
        now = datetime.now(UTC).isoformat()
        with self._d.lock:
            self._d.db.table("findings").insert_all(
                {
                    "scan_id": scan_id,
                    "target": f["target"],
                    "target_name": f.get("target_name"),
                    "rule_id": f["rule_id"],
                    "severity": f["severity"],
                    "data": json.dumps(f, default=str),
                }
                for f in findings
            )
            self._d.db.table("scores").insert_all(
                {
                    "scan_id": scan_id,
                    "target": s.target,
                    "at": now,
                    "score": s.compliance_score,
                    "counts": json.dumps(s.vulnerabilities),
                }
                for s in scores
            )

    def findings(self, scan_id: str, target: str | None = None) -> list[FindingOut]:
        sql, args = "select * from findings where scan_id = ?", [scan_id]
        if target:
            sql, args = sql + " and target = ?", [*args, target]
        with self._d.lock:
            rows = list(self._d.db.query(sql + " order by id", args))
        return [FindingOut(id=r["id"], **json.loads(r["data"])) for r in rows]

    def finding(self, finding_id: int) -> FindingOut | None:
        with self._d.lock:
            rows = list(self._d.db.query("select * from findings where id = ?", [finding_id]))
        return FindingOut(id=rows[0]["id"], **json.loads(rows[0]["data"])) if rows else None

    def scores(self, scan_id: str) -> list[tuple[str, int, dict[str, int]]]:
        with self._d.lock:
            rows = list(self._d.db.query("select * from scores where scan_id = ?", [scan_id]))
        return [(r["target"], r["score"], json.loads(r["counts"])) for r in rows]

    def history(self, target: str, limit: int = 100) -> list[ScoreHistoryPoint]:
        with self._d.lock:
            rows = list(
                self._d.db.query(
                    "select * from scores where target = ? order by at desc limit ?",
                    [target, limit],
                )
            )
        return [
            ScoreHistoryPoint(
                scan_id=r["scan_id"],
                at=datetime.fromisoformat(r["at"]),
                compliance_score=r["score"],
                vulnerabilities=json.loads(r["counts"]),
            )
            for r in reversed(rows)
        ]

    def latest_for(self, target: str) -> ScoreHistoryPoint | None:
        points = self.history(target, limit=1)
        return points[-1] if points else None
