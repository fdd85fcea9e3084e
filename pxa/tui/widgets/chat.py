"""The chat panel: the assistant in the TUI, beside the panes.

A message starts a turn of the agent (`pxa.ai`: Claude with a key, the offline intent
parser without) in a worker on the app's loop: the SDK is async, so the UI never waits.
The agent reports with events that the worker posts as `AgentSaid` messages; only the
handler touches widgets. The answer streams into the transcript, each tool call shows as a
line, and the usage line under the transcript gives the turn's and the session's tokens
and cost.

Every tool call goes through the core's gate as actor `chat` with the session id; a write
asks yes/no and a destructive call wants the name typed, in the same modals the panes use
(the app's confirmer). Esc cancels a running turn at any moment, mid-stream included.
`/new` starts a new conversation, `/list` shows the saved ones, `/resume <id>` carries on one.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

if TYPE_CHECKING:
    from textual.worker import Worker

    from pxa.ai.events import AgentEvent
    from pxa.ai.factory import Agent

log = logging.getLogger(__name__)

HELP = (
    "/new starts a new conversation · /list shows saved ones · /resume <id> carries on one "
    "· Esc cancels a running answer"
)


class ChatPanel(Vertical):
    DEFAULT_CLASSES = "chat"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel_turn", "cancel", id="chat-cancel"),
    ]

    class AgentSaid(Message):
        """An event of the running turn, handed from the worker to the panel."""

        def __init__(self, event: AgentEvent) -> None:
            super().__init__()
            self.event = event

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.messages: list[tuple[str, str]] = []  # (who, text) of finished entries
        self.agent: Agent | None = None
        self._resume: str | None = None
        self._turn: Worker[Any] | None = None
        self._reply: Static | None = None  # the answer being streamed
        self._reply_text = ""

    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="transcript")
        yield Static("", id="chat-usage", markup=False)
        yield Input(placeholder="Ask pxa… (Esc cancels)", id="chat-input")

    def on_mount(self) -> None:
        self.border_title = "chat"
        self.query_one(Input).cursor_blink = getattr(self.app, "cursor_blink", True)
        self.query_one("#transcript", VerticalScroll).anchor()  # follow the newest entry

    def focus_input(self) -> None:
        self.query_one("#chat-input", Input).focus()

    @property
    def busy(self) -> bool:
        return self._turn is not None and self._turn.is_running

    @property
    def session_id(self) -> str | None:
        return self.agent.session_id if self.agent is not None else self._resume

    # --- input ----------------------------------------------------------------------------
    @on(Input.Submitted, "#chat-input")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        event.input.clear()
        if not text:
            return
        if text.startswith("/"):
            self._command(text)
            return
        if self.busy:
            self.add("notice", "Still answering: wait, or Esc to cancel.")
            return
        self.add("you", text)
        self._turn = self.run_worker(self._run_turn(text), name="chat-turn", group="chat")

    def _command(self, text: str) -> None:
        word, _, rest = text.partition(" ")
        if self.busy:
            self.add("notice", "Still answering: Esc cancels first.")
        elif word == "/new":
            self._forget_agent()
            self.add("notice", "New conversation.")
        elif word == "/list":
            self._list_sessions()
        elif word == "/resume" and rest.strip():
            self._forget_agent()
            self._resume = rest.strip()
            self.add("notice", f"Carrying on {self._resume}.")
        else:
            self.add("notice", HELP)

    def _list_sessions(self) -> None:
        app: Any = self.app
        if app.infra is None:
            self.add("notice", "Not connected yet.")
            return
        from pxa.ai.session import recent

        sessions = recent(app.infra.database)
        lines = [f"{s.id}  {s.updated_at:%m-%d %H:%M}  {s.title}" for s in sessions]
        self.add("notice", "\n".join(lines) or "No saved conversations yet.")

    def _forget_agent(self) -> None:
        if self.agent is not None:
            self.run_worker(self.agent.close(), group="chat-close")
        self.agent = None
        self._resume = None

    def action_cancel_turn(self) -> None:
        if self._turn is not None and self._turn.is_running:
            self._turn.cancel()

    # --- the turn, in a worker ------------------------------------------------------------
    async def _run_turn(self, text: str) -> None:
        from pxa.ai.events import Notice
        from pxa.errors import PxaError

        emit = self._emit
        try:
            agent = await self._open_agent()
        except PxaError as exc:
            emit(Notice(exc.message, "error"))
            return
        if agent is None:
            emit(Notice("Not connected to the cluster yet: try again in a moment.", "warning"))
            return
        try:
            await agent.turn(text, emit)
        except Exception as exc:  # never let a defect in a turn take the app down
            log.exception("a chat turn failed")
            emit(Notice(f"The assistant failed: {type(exc).__name__}: {exc}", "error"))

    def _emit(self, event: AgentEvent) -> None:
        self.post_message(self.AgentSaid(event))

    async def _open_agent(self) -> Agent | None:
        if self.agent is not None:
            return self.agent
        app: Any = self.app
        if app.infra is None:
            return None
        import asyncio

        from pxa.ai.factory import open_agent

        # In a thread: the keyring lookup and the first `import anthropic` take a while.
        self.agent = await asyncio.to_thread(
            open_agent,
            app.infra,
            app.settings,
            confirm=app.call_context().confirm,  # the panes' modals
            session_id=self._resume,
        )
        self._resume = None
        return self.agent

    # --- what the turn said ---------------------------------------------------------------
    def on_chat_panel_agent_said(self, message: AgentSaid) -> None:
        from pxa.ai.events import Notice, TextDelta, ToolFinished, ToolStarted, TurnFinished

        event = message.event
        if isinstance(event, TextDelta):
            self._stream(event.text)
            return
        self._end_reply()
        if isinstance(event, ToolStarted):
            args = " ".join(f"{k}={v}" for k, v in event.arguments.items() if v is not None)
            self.add("tool", f"→ {event.operation} {args}".rstrip())
        elif isinstance(event, ToolFinished):
            self.add(
                "tool-error" if event.is_error else "tool", f"  {_mark(event)} {event.summary}"
            )
        elif isinstance(event, Notice):
            self.add("error" if event.level == "error" else "notice", event.text)
        elif isinstance(event, TurnFinished):
            self.query_one("#chat-usage", Static).update(_usage(event))

    def _stream(self, text: str) -> None:
        if self._reply is None:
            self._reply_text = ""
            self._reply = Static("", classes="pxa", markup=False)
            self.query_one("#transcript", VerticalScroll).mount(self._reply)
        self._reply_text += text
        self._reply.update(f"pxa: {self._reply_text.strip()}")
        self._follow()

    def _end_reply(self) -> None:
        if self._reply is not None:
            self.messages.append(("pxa", self._reply_text.strip()))
            self._reply = None

    def add(self, who: str, text: str) -> None:
        """A finished entry in the transcript: you, pxa, tool, tool-error, notice, error."""
        self._end_reply()
        self.messages.append((who, text))
        label = f"{who}: {text}" if who in ("you", "pxa") else text
        transcript = self.query_one("#transcript", VerticalScroll)
        transcript.mount(Static(label, classes=who, markup=False))
        self._follow()

    def _follow(self) -> None:
        transcript = self.query_one("#transcript", VerticalScroll)
        self.call_after_refresh(transcript.scroll_end, animate=False)


def _mark(event: Any) -> str:
    return "✗" if event.is_error else "✓"


def _usage(event: Any) -> str:
    if event.offline:
        return "offline: no tokens used"
    from pxa.ai.pricing import describe

    return (
        f"turn {describe(event.usage, event.model)}\n"
        f"session {describe(event.session_usage, event.model)}"
    )
