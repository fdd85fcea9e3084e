"""TokenRepo and UserRepo: API tokens (hashes only) and the local admin account."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pxa.models.token import Token
from pxa.store.db import Database


def _dt(v: str | None) -> datetime | None:
    return datetime.fromisoformat(v) if v else None


class TokenRepo:
    def __init__(self, database: Database) -> None:
        self._d = database

    def insert(self, row: dict[str, Any]) -> None:
        with self._d.lock:
            self._d.db.table("tokens").insert(row)

    def by_hash(self, token_hash: str) -> dict[str, Any] | None:
        with self._d.lock:
            rows = list(self._d.db.query("select * from tokens where token_hash = ?", [token_hash]))
        return rows[0] if rows else None

    def row(self, token_id: str) -> dict[str, Any] | None:
        with self._d.lock:
            rows = list(self._d.db.query("select * from tokens where id = ?", [token_id]))
        return rows[0] if rows else None

    def all(self) -> list[Token]:
        with self._d.lock:
            rows = list(self._d.db.query("select * from tokens order by created_at"))
        return [self.to_model(r) for r in rows]

    def revoke(self, token_id: str) -> None:
        with self._d.lock:
            self._d.db.table("tokens").update(
                token_id, {"revoked_at": datetime.now(UTC).isoformat()}
            )

    def touch(self, token_id: str) -> None:
        with self._d.lock:
            self._d.db.execute(
                "update tokens set last_used_at = ? where id = ?",
                [datetime.now(UTC).isoformat(), token_id],
            )
            self._d.db.conn.commit()

    @staticmethod
    def to_model(r: dict[str, Any]) -> Token:
        return Token(
            token_id=r["id"],
            name=r["name"],
            description=r.get("description"),
            permissions=json.loads(r["permissions"]),
            created_at=datetime.fromisoformat(r["created_at"]),
            expires_at=_dt(r.get("expires_at")),
            revoked_at=_dt(r.get("revoked_at")),
            last_used_at=_dt(r.get("last_used_at")),
            created_by=r.get("created_by"),
            prefix=r["prefix"],
        )


class UserRepo:
    def __init__(self, database: Database) -> None:
        self._d = database

    def get(self, username: str) -> dict[str, Any] | None:
        with self._d.lock:
            rows = list(self._d.db.query("select * from users where username = ?", [username]))
        return rows[0] if rows else None

    def set(self, username: str, password_hash: str, scopes: list[str]) -> None:
        with self._d.lock:
            self._d.db.table("users").upsert(
                {
                    "username": username,
                    "password_hash": password_hash,
                    "scopes": json.dumps(scopes),
                    "created_at": datetime.now(UTC).isoformat(),
                },
                pk="username",
            )
