"""ConversationRepo: chat sessions and their messages, as the Messages API blocks.

A session row holds its title, model and usage totals; each message row one turn (role
and its content blocks as JSON), so resuming replays exactly what the model saw. The API
key is never stored here: nothing in a message carries it.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from pxa.errors import NotFound
from pxa.store.db import Database


class ChatSession(BaseModel):
    id: str
    title: str
    model: str
    created_at: datetime
    updated_at: datetime
    usage: dict[str, int] = Field(default_factory=dict)
    cost_usd: float | None = None
    messages: int = 0


class ChatMessage(BaseModel):
    role: str
    content: list[dict[str, Any]]
    created_at: datetime


def _now() -> str:
    return datetime.now(UTC).isoformat()


class ConversationRepo:
    def __init__(self, database: Database) -> None:
        self._d = database

    def create(self, *, model: str, title: str = "") -> ChatSession:
        now = _now()
        row = {
            "id": "chat-" + secrets.token_hex(4),
            "title": title[:80],
            "model": model,
            "created_at": now,
            "updated_at": now,
            "usage": "{}",
            "cost_usd": None,
        }
        with self._d.lock:
            self._d.db.table("chat_sessions").insert(row)
        return self.get(row["id"])

    def get(self, session_id: str) -> ChatSession:
        with self._d.lock:
            rows = list(
                self._d.db.query(
                    "select s.*, (select count(*) from chat_messages m where m.session_id = s.id)"
                    " as messages from chat_sessions s where s.id = ?",
                    [session_id],
                )
            )
        if not rows:
            raise NotFound(f"no chat session {session_id!r}: `pxa chat list` shows them")
        return _session(rows[0])

    def list(self, limit: int = 50) -> list[ChatSession]:
        with self._d.lock:
            rows = list(
                self._d.db.query(
                    "select s.*, (select count(*) from chat_messages m where m.session_id = s.id)"
                    " as messages from chat_sessions s order by updated_at desc limit ?",
                    [limit],
                )
            )
        return [_session(r) for r in rows]

    def messages(self, session_id: str) -> list[ChatMessage]:
        with self._d.lock:
            rows = list(
                self._d.db.query(
                    "select role, content, created_at from chat_messages"
                    " where session_id = ? order by id",
                    [session_id],
                )
            )
        return [
            ChatMessage(
                role=r["role"],
                content=json.loads(r["content"]),
                created_at=datetime.fromisoformat(r["created_at"]),
            )
            for r in rows
        ]

    def append(self, session_id: str, role: str, content: list[dict[str, Any]]) -> None:
        now = _now()
        with self._d.lock:
            self._d.db.table("chat_messages").insert(
                {
                    "session_id": session_id,
                    "role": role,
                    "content": json.dumps(content, default=str),
                    "created_at": now,
                }
            )
            self._d.db.execute(
                "update chat_sessions set updated_at = ? where id = ?", [now, session_id]
            )

    def update(
        self,
        session_id: str,
        *,
        title: str | None = None,
        usage: dict[str, int] | None = None,
        cost_usd: float | None = None,
    ) -> None:
        fields: dict[str, Any] = {"updated_at": _now()}
        if title is not None:
            fields["title"] = title[:80]
        if usage is not None:
            fields["usage"] = json.dumps(usage)
            fields["cost_usd"] = cost_usd
        with self._d.lock:
            self._d.db.table("chat_sessions").update(session_id, fields)

    def delete(self, session_id: str) -> None:
        self.get(session_id)
        with self._d.lock:
            self._d.db.execute("delete from chat_messages where session_id = ?", [session_id])
            self._d.db.execute("delete from chat_sessions where id = ?", [session_id])


def _session(row: dict[str, Any]) -> ChatSession:
    return ChatSession(
        id=row["id"],
        title=row["title"] or "",
        model=row["model"] or "",
        created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
        usage=json.loads(row["usage"] or "{}"),
        cost_usd=row["cost_usd"],
        messages=row.get("messages") or 0,
    )
