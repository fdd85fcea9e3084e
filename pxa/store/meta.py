"""MetaRepo: what pxa keeps about PVE objects that PVE has no field for.

A network's DNS servers beyond the one PVE's DHCP hands out, and when pxa created it,
for instance. Keys are `<kind>:<id>` (`network:net-prod`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pxa.store.db import Database


class MetaRepo:
    def __init__(self, database: Database) -> None:
        self._d = database

    def get(self, kind: str, id_: str) -> dict[str, Any]:
        with self._d.lock:
            rows = list(self._d.db.query("select data from meta where key = ?", [f"{kind}:{id_}"]))
        return json.loads(rows[0]["data"]) if rows else {}

    def put(self, kind: str, id_: str, data: dict[str, Any]) -> None:
        with self._d.lock:
            self._d.db.table("meta").upsert(
                {
                    "key": f"{kind}:{id_}",
                    "data": json.dumps(data, default=str),
                    "updated_at": datetime.now(UTC).isoformat(),
                },
                pk="key",
            )

    def delete(self, kind: str, id_: str) -> None:
        with self._d.lock:
            self._d.db.execute("delete from meta where key = ?", [f"{kind}:{id_}"])
            self._d.db.conn.commit()
