"""The chat panel: a transcript and an input, docked beside the panes.

The assistant itself is a later issue; until then a message gets an honest placeholder
reply and nothing is sent anywhere.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, RichLog

PLACEHOLDER_REPLY = (
    "The assistant arrives with the chat issue: nothing was sent, nothing was done. "
    "Use the panes or the command palette (ctrl+p) meanwhile."
)


class ChatPanel(Vertical):
    DEFAULT_CLASSES = "chat"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.messages: list[tuple[str, str]] = []  # (who, text), oldest first

    def compose(self) -> ComposeResult:
        yield RichLog(wrap=True, markup=False, min_width=20, id="transcript")
        yield Input(placeholder="Ask pxa… (the assistant comes later)", id="chat-input")

    def on_mount(self) -> None:
        self.border_title = "chat"
        self.query_one(Input).cursor_blink = getattr(self.app, "cursor_blink", True)

    @on(Input.Submitted, "#chat-input")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        event.input.clear()
        if not text:
            return
        self.add("you", text)
        self.add("pxa", PLACEHOLDER_REPLY)

    def add(self, who: str, text: str) -> None:
        self.messages.append((who, text))
        self.query_one("#transcript", RichLog).write(f"{who}: {text}")

    def focus_input(self) -> None:
        self.query_one("#chat-input", Input).focus()
