"""Confirmation modals, pushed by the TUI's confirmer (`pxa.tui.ops`) for the core's gate.

A write asks yes/no and shows the operation's title, target and arguments. A destructive
operation wants the resource's name typed exactly; a wrong name keeps the modal open with
a note. Cancelling dismisses with None and the confirmer refuses the call.
"""

from __future__ import annotations

import json
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from pxa.core.context import ConfirmationRequest


def _arguments(request: ConfirmationRequest) -> Static:
    lines = [
        f"{key} = {value if isinstance(value, str) else json.dumps(value)}"
        for key, value in request.arguments.items()
        if value is not None
    ]
    return Static("\n".join(lines) or "(no arguments)", markup=False, classes="arguments")


class ConfirmWrite(ModalScreen[bool]):
    """Yes or no for a write: "vm: start web-01 (vm-101): proceed?"."""

    DEFAULT_CLASSES = "confirm"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "yes", id="confirm-yes"),
        Binding("n,escape", "answer(False)", "no", id="confirm-no"),
    ]

    def __init__(self, request: ConfirmationRequest) -> None:
        super().__init__()
        self.request = request

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = self.request.title
            yield Static(self.request.summary, markup=False, classes="summary")
            yield Static(self.request.prompt, markup=False, classes="prompt")
            yield _arguments(self.request)
            with Horizontal(classes="buttons"):
                yield Button("Yes", variant="primary", id="yes")
                yield Button("No", id="no")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class ConfirmDestructive(ModalScreen[str | None]):
    """Type the resource's name to confirm what cannot be undone."""

    DEFAULT_CLASSES = "confirm destructive"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel", id="confirm-cancel"),
    ]

    def __init__(self, request: ConfirmationRequest) -> None:
        super().__init__()
        self.request = request
        self.expected = request.resource_name or request.resource or ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = self.request.title
            yield Static(self.request.summary, markup=False, classes="summary")
            yield Static(self.request.prompt, markup=False, classes="prompt")
            yield _arguments(self.request)
            yield Input(placeholder="type the name to confirm", id="typed")
            yield Static("", markup=False, classes="mismatch")
            with Horizontal(classes="buttons"):
                yield Button(self.request.title, variant="error", id="confirm", disabled=True)
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = getattr(self.app, "cursor_blink", True)

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#confirm", Button).disabled = event.value != self.expected
        self.query_one(".mismatch", Static).update("")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self._try(event.value)

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        self._try(self.query_one("#typed", Input).value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def _try(self, typed: str) -> None:
        if typed == self.expected:
            self.dismiss(typed)
        else:
            self.query_one(".mismatch", Static).update(
                f"That is not {self.expected!r}: type the name exactly, or Esc to cancel."
            )
