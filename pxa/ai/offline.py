"""The chat without a key: the intent parser over the same tools and the same gate.

It says what it understood, that it is offline and how to add a key, runs the one call
through `ToolExecutor` (so confirmation, read-only mode and the audit log are exactly as
with Claude) and shows the result briefly. Text it does not understand gets an honest
answer with examples, and nothing runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from pxa.ai.events import Emit, Notice, TextDelta, ToolFinished, ToolStarted, TurnFinished
from pxa.ai.executor import ToolExecutor
from pxa.ai.failures import KEY_HELP
from pxa.ai.intents import EXAMPLES, parse

if TYPE_CHECKING:
    from pxa.ai.session import Conversation
    from pxa.core.context import Confirmer
    from pxa.core.infra import Infra

OFFLINE = f"offline: no Anthropic key — {KEY_HELP} to chat with Claude"
SHOW_ROWS = 25


class OfflineAgent:
    offline = True
    model = "offline"

    def __init__(
        self, infra: Infra, conversation: Conversation, *, confirm: Confirmer | None = None
    ) -> None:
        self.infra = infra
        self.conversation = conversation
        self.executor = ToolExecutor(infra, conversation.id, confirm)
        self._told = False  # the key hint is said once per session, then "(offline)"

    @property
    def session_id(self) -> str:
        return self.conversation.id

    def _offline_note(self) -> str:
        told, self._told = self._told, True
        return "offline" if told else OFFLINE

    async def turn(self, text: str, emit: Emit) -> TurnFinished:
        self.conversation.append("user", [{"type": "text", "text": text}])
        intent = parse(text)
        op = self.infra.catalogue.get(intent.operation) if intent else None
        if intent is None:
            reply = (
                f"I couldn't understand that offline ({self._offline_note()}). "
                "I understand everyday commands such as:\n"
                + "\n".join(f"  • {e}" for e in EXAMPLES)
            )
        elif op is None:
            reply = (
                f"Understood: {intent.understood} ({self._offline_note()}), but this pxa has no "
                f"{intent.operation} operation yet."
            )
        else:
            emit(TextDelta(f"Understood: {intent.understood} ({self._offline_note()})\n"))
            emit(ToolStarted("offline", op.name, intent.arguments))
            outcome = await self.executor.run(op, intent.arguments)
            emit(
                ToolFinished(
                    "offline",
                    op.name,
                    outcome.summary,
                    is_error=outcome.is_error,
                    refused=outcome.refused,
                )
            )
            body = (
                outcome.summary
                if outcome.is_error or outcome.result is None
                else render(outcome.result)
            )
            reply = body
            self.conversation.append(
                "assistant", [{"type": "text", "text": f"Understood: {intent.understood}\n{body}"}]
            )
            emit(TextDelta(body))
            return self._finish(emit)
        self.conversation.append("assistant", [{"type": "text", "text": reply}])
        emit(TextDelta(reply))
        if intent is None:
            emit(Notice(OFFLINE, "info"))
        return self._finish(emit)

    def _finish(self, emit: Emit) -> TurnFinished:
        finished = TurnFinished(model=self.model, offline=True)
        emit(finished)
        return finished

    async def close(self) -> None:
        return None


def render(result: BaseModel) -> str:
    """A short plain-text view of a result for the transcript."""
    data = result.model_dump(mode="json", exclude_none=True)
    if isinstance(data.get("generated_code"), dict):
        return _terraform(data["generated_code"])
    job_id = data.get("job_id")
    if isinstance(job_id, str):
        return f"Job {job_id} started" + (f": {data['message']}" if data.get("message") else ".")
    for key, value in data.items():
        if isinstance(value, list):
            total = (data.get("pagination") or {}).get("total", data.get("total", len(value)))
            lines = [f"{total} {key}:" if total else f"No {key}."]
            lines += [f"  {_row(item)}" for item in value[:SHOW_ROWS]]
            if len(value) > SHOW_ROWS or (isinstance(total, int) and total > len(value)):
                lines.append(f"  … {int(total) - min(len(value), SHOW_ROWS)} more")
            return "\n".join(lines)
    if "name" in data or "id" in data:
        return _detail(data)
    return ", ".join(f"{k}: {v}" for k, v in data.items() if not isinstance(v, (dict, list)))


def _row(item: Any) -> str:
    if not isinstance(item, dict):
        return str(item)
    label = str(item.get("name") or item.get("id") or item.get("type") or "?")
    if item.get("id") and item["id"] != label:
        label += f" ({item['id']})"
    facts = [str(item[k]) for k in ("status", "target") if item.get(k)]
    if item.get("node"):
        facts.append(f"on {item['node']}")
    if item.get("error"):
        facts.append(f"error: {item['error']}")
    return " ".join([label, *facts])


def _terraform(code: dict[str, Any]) -> str:
    security = code.get("security_analysis") or {}
    lines = [
        f"Terraform for {code.get('provider')}: validation score "
        f"{code.get('validation_score')}/100, security "
        f"{'passed' if security.get('passed') else 'has issues'}"
        f" ({len(security.get('issues') or [])} issues).",
        *(f"  note: {n}" for n in code.get("notes") or []),
        *(f"  not understood: {w}" for w in code.get("unresolved") or []),
        "",
        str(code.get("code", "")).rstrip(),
    ]
    return "\n".join(lines)


def _detail(data: dict[str, Any]) -> str:
    keys = (
        "id",
        "name",
        "status",
        "node",
        "environment",
        "cpu_cores",
        "memory_mb",
        "ip_address",
        "tags",
        "message",
    )
    return "\n".join(f"  {k}: {data[k]}" for k in keys if data.get(k) not in (None, [], ""))
