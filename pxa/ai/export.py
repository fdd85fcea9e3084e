"""A conversation as Markdown: what was asked, said, called and answered."""

from __future__ import annotations

import json
from typing import Any

from pxa.ai.pricing import Usage, describe
from pxa.store.conversations import ChatMessage, ChatSession


def to_markdown(session: ChatSession, messages: list[ChatMessage]) -> str:
    usage = Usage(**{k: v for k, v in session.usage.items() if k in Usage().as_dict()})
    lines = [
        f"# {session.title or session.id}",
        "",
        f"- session: `{session.id}`",
        f"- model: {session.model}",
        f"- started: {session.created_at:%Y-%m-%d %H:%M} UTC",
        f"- usage: {describe(usage, session.model)}",
        "",
    ]
    for message in messages:
        for block in message.content:
            lines.extend(_block(message.role, block))
    return "\n".join(lines).rstrip() + "\n"


def _block(role: str, block: dict[str, Any]) -> list[str]:
    kind = block.get("type")
    if kind == "text":
        who = "You" if role == "user" else "pxa"
        return [f"**{who}:** {block.get('text', '')}", ""]
    if kind == "tool_use":
        args = json.dumps(block.get("input", {}), ensure_ascii=False)
        return [f"> tool call `{block.get('name')}` {args}", ""]
    if kind == "tool_result":
        content = block.get("content", "")
        text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
        mark = " (error)" if block.get("is_error") else ""
        cut = text if len(text) <= 600 else text[:600] + " …"
        return [f"> result{mark}:", "", "```json", cut, "```", ""]
    return []
