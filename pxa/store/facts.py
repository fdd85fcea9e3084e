"""FactsRepo: what only a guest's config tells (IP, OS, creation time), kept across runs.

/cluster/resources does not carry these; reading each VM's config once and remembering
it lets every list show them without a config call per VM per refresh.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pxa.store.db import Database

PERSISTED = ("ip_address", "os_type", "created_at", "firewall_enabled", "bridges")


class FactsRepo:
    def __init__(self, database: Database) -> None:
        self._d = database

    def load(self) -> dict[str, dict[str, Any]]:
        with self._d.lock:
            rows = list(self._d.db.query("select id, data from facts"))
        out = {}
        for row in rows:
            facts = json.loads(row["data"])
            if facts.get("created_at"):
                facts["created_at"] = datetime.fromisoformat(facts["created_at"])
            out[row["id"]] = facts
        return out

    def save(self, gid: str, facts: dict[str, Any]) -> None:
        kept = {k: facts.get(k) for k in PERSISTED if k in facts}
        with self._d.lock:
            self._d.db.table("facts").upsert(
                {
                    "id": gid,
                    "data": json.dumps(kept, default=str),
                    "updated_at": datetime.now(UTC).isoformat(),
                },
                pk="id",
            )

    def drop(self, gid: str) -> None:
        with self._d.lock:
            self._d.db.execute("delete from facts where id = ?", [gid])
            self._d.db.conn.commit()
