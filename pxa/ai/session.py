"""A conversation: its stored history (as Messages API blocks) and usage totals.

Every message is saved as it happens, so a crash or a cancelled turn keeps what was said.
`history()` is what the model is sent: stored turns with consecutive same-role turns
merged (a cancelled turn can leave two user turns in a row).
"""

from __future__ import annotations

from typing import Any

from pxa.ai.pricing import Usage, cost
from pxa.store.conversations import ChatSession, ConversationRepo
from pxa.store.db import Database


def recent(database: Database, limit: int = 10) -> list[ChatSession]:
    """Saved conversations, the most recently used first."""
    return ConversationRepo(database).list(limit=limit)


class Conversation:
    def __init__(self, repo: ConversationRepo, session: ChatSession) -> None:
        self.repo = repo
        self.session = session
        self.messages: list[dict[str, Any]] = [
            {"role": m.role, "content": m.content} for m in repo.messages(session.id)
        ]
        self.usage = Usage(**{k: v for k, v in session.usage.items() if k in Usage().as_dict()})

    @classmethod
    def open(cls, database: Database, *, model: str, session_id: str | None = None) -> Conversation:
        """Resume `session_id` (NotFound if there is none), or start a new conversation."""
        repo = ConversationRepo(database)
        session = repo.get(session_id) if session_id else repo.create(model=model)
        return cls(repo, session)

    @property
    def id(self) -> str:
        return self.session.id

    def append(self, role: str, content: list[dict[str, Any]]) -> None:
        if role == "user" and not self.session.title and not self.messages:
            text = next((b.get("text", "") for b in content if b.get("type") == "text"), "")
            self.session.title = " ".join(text.split())[:60]
            self.repo.update(self.id, title=self.session.title)
        self.messages.append({"role": role, "content": content})
        self.repo.append(self.id, role, content)

    def add_usage(self, usage: Usage, model: str) -> float | None:
        """Add a step's usage to the session's totals; the session's cost so far."""
        self.usage = self.usage + usage
        total = cost(self.usage, model)
        self.repo.update(self.id, usage=self.usage.as_dict(), cost_usd=total)
        return total

    def history(self) -> list[dict[str, Any]]:
        merged: list[dict[str, Any]] = []
        for message in self.messages:
            if merged and merged[-1]["role"] == message["role"]:
                merged[-1] = {
                    "role": message["role"],
                    "content": [*merged[-1]["content"], *message["content"]],
                }
            else:
                merged.append({"role": message["role"], "content": list(message["content"])})
        return merged

    def close_open_turn(self, note: str) -> None:
        """After a cancel or an error: answer unanswered tool calls, end on the assistant.

        The next request must be valid: every tool_use needs its tool_result, and the
        history should not end on a user turn the model never answered.
        """
        if not self.messages:
            return
        last = self.messages[-1]
        if last["role"] == "assistant":
            pending = [b["id"] for b in last["content"] if b.get("type") == "tool_use"]
            if not pending:
                return
            self.append(
                "user",
                [
                    {
                        "type": "tool_result",
                        "tool_use_id": call,
                        "is_error": True,
                        "content": f"not run: {note}",
                    }
                    for call in pending
                ],
            )
        self.append("assistant", [{"type": "text", "text": f"[{note}]"}])
