"""What a turn reports to its front door, as it happens: plain facts, no widgets.

The TUI turns them into transcript lines, `pxa ask` prints them. Both agents (Claude and
the offline intent router) emit the same events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pxa.ai.pricing import Usage


@dataclass(frozen=True)
class TextDelta:
    """A piece of the assistant's answer, streamed."""

    text: str


@dataclass(frozen=True)
class ToolStarted:
    """A tool call about to run; `arguments` with secrets (passwords, tokens) masked."""

    call_id: str
    operation: str
    arguments: dict[str, Any]

    def __post_init__(self) -> None:
        object.__setattr__(self, "arguments", masked(self.arguments))


SECRET_WORDS = ("password", "secret", "token", "api_key")


def masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: "***" if any(w in str(k).lower() for w in SECRET_WORDS) else masked(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


@dataclass(frozen=True)
class ToolFinished:
    call_id: str
    operation: str
    summary: str  # one line for the transcript
    is_error: bool = False
    refused: bool = False


@dataclass(frozen=True)
class Notice:
    """Something the person must read: an API error, offline mode, a cancelled turn."""

    text: str
    level: Literal["info", "warning", "error"] = "info"


@dataclass(frozen=True)
class TurnFinished:
    """The end of a turn, with its usage and the session's totals (cost None: unknown)."""

    usage: Usage = field(default_factory=Usage)
    cost: float | None = None
    session_usage: Usage = field(default_factory=Usage)
    session_cost: float | None = None
    model: str = ""
    cancelled: bool = False
    offline: bool = False

    @property
    def line(self) -> str:
        if self.offline:
            return "offline: no tokens used"
        from pxa.ai.pricing import describe

        return (
            f"turn: {describe(self.usage, self.model)}  |  "
            f"session: {describe(self.session_usage, self.model)}"
        )


AgentEvent = TextDelta | ToolStarted | ToolFinished | Notice | TurnFinished
Emit = Callable[[AgentEvent], None]
