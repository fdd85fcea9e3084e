"""The VMs pane's forms: the base that runs an operation, edit a VM, name a snapshot.

A form runs its operation itself, through `app.run_op` in the form's worker, so the
core's gate asks its confirmation on top of the form and the core alone validates: the
values go in as typed ("0", "abc") and an `Invalid` (or a `Conflict` naming a field)
comes back as the core's message under that field, the form still open. Any other error
is a toast and a line at the bottom. The worker posts `FormRejected` / `FormAccepted`;
their handlers change the widgets.

The create form is in `vm_create_form`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Select, Static

from pxa.errors import ConfirmationRefused, PxaError
from pxa.models.vm import Vm


class FormRejected(Message):
    def __init__(self, error: PxaError) -> None:
        super().__init__()
        self.error = error


class FormAccepted(Message):
    def __init__(self, result: Any) -> None:
        super().__init__()
        self.result = result


def field_errors(error: PxaError) -> dict[str, str]:
    """Core field path → message, from an error's details (all pydantic errors if listed)."""
    details = error.details or {}
    listed = details.get("errors")
    if isinstance(listed, list) and listed:
        out: dict[str, str] = {}
        for item in listed:
            if isinstance(item, dict) and item.get("field"):
                out.setdefault(str(item["field"]), str(item.get("message") or error.message))
        if out:
            return out
    where = details.get("field") or getattr(error, "field", None)
    return {str(where): error.message} if where else {}


class VmFormScreen(ModalScreen[Any]):
    """Base of the forms: rows of label, widget and an error line; runs `operation`."""

    DEFAULT_CLASSES = "vm-form"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel", id="vm-form-cancel"),
        Binding("ctrl+s", "submit", "submit", id="vm-form-submit"),
    ]
    operation: ClassVar[str] = ""
    submit_label: ClassVar[str] = "Save"
    FIELDS: ClassVar[dict[str, str]] = {}  # core field path → form field id

    def __init__(self, title: str) -> None:
        super().__init__()
        self.form_title = title
        self.errors: dict[str, str] = {}  # form field id ("" for the form) → message shown

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = self.form_title
            with VerticalScroll(classes="fields"):
                yield from self.fields()
            yield Static("", classes="form-error", id="form-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.submit_label, variant="primary", id="submit")
                yield Button("Cancel", id="cancel")

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def on_mount(self) -> None:
        blink = getattr(self.app, "cursor_blink", True)
        for box in self.query(Input):
            box.cursor_blink = blink
        self.query(".field-error").set(display=False)

    @staticmethod
    def row(fid: str, label: str, widget: Widget, hint: str = "") -> Vertical:
        parts: list[Widget] = [Static(label, classes="field-label", markup=False), widget]
        if hint:
            parts.append(Static(hint, classes="field-hint", markup=False))
        return Vertical(
            Horizontal(*parts, classes="field-row"),
            Static("", classes="field-error", id=f"{fid}-error", markup=False),
            classes="field",
            id=f"{fid}-field",
        )

    def value(self, fid: str) -> str:
        return self.query_one(f"#{fid}", Input).value.strip()

    def choice(self, fid: str) -> Any:
        chosen = self.query_one(f"#{fid}", Select).value
        return None if chosen == Select.NULL else chosen

    def arguments(self) -> dict[str, Any] | None:
        """The operation's arguments from the widgets; None (and an error shown) to stop."""
        raise NotImplementedError

    # --- submit ---------------------------------------------------------------------------
    @on(Button.Pressed, "#submit")
    @on(Input.Submitted)
    def action_submit(self) -> None:
        args = self.arguments()
        if args is not None:
            self._clear_errors()
            self._run(args)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @work(exclusive=True, group="ops")
    async def _run(self, args: dict[str, Any]) -> None:
        try:
            result = await self.app.run_op(self.operation, args, toast=False)  # type: ignore[attr-defined]
        except PxaError as exc:
            self.post_message(FormRejected(exc))
            return
        self.post_message(FormAccepted(result))

    def on_form_accepted(self, message: FormAccepted) -> None:
        self.dismiss(message.result)

    def on_form_rejected(self, message: FormRejected) -> None:
        error = message.error
        if isinstance(error, ConfirmationRefused):
            self.notify(error.message, title=self.form_title, severity="warning", markup=False)
            return
        shown = {self._field_id(path): text for path, text in field_errors(error).items()}
        general = shown.pop("", None)
        if not shown:
            general = error.message
        self.show_errors(shown, general)
        self.notify(error.message, title=self.form_title, severity="error", markup=False)

    def _field_id(self, path: str) -> str:
        parts = path.split(".")
        while parts:
            fid = self.FIELDS.get(".".join(parts))
            if fid is not None:
                return fid
            parts.pop()
        return ""

    def show_errors(self, errors: dict[str, str], general: str | None = None) -> None:
        self._clear_errors()
        for fid, text in errors.items():
            line = self.query_one(f"#{fid}-error", Static)
            line.update(text)
            line.display = True
        self.errors = dict(errors)
        if general:
            self.errors[""] = general
        self.query_one("#form-error", Static).update(general or "")
        if errors:
            first = self.query_one(f"#{next(iter(errors))}-field")
            first.scroll_visible(animate=False)

    def _clear_errors(self) -> None:
        self.errors = {}
        for line in self.query(".field-error"):
            line.display = False
        self.query_one("#form-error", Static).update("")


# --- edit -----------------------------------------------------------------------------------


class VmEditScreen(VmFormScreen):
    operation = "vm.update"
    FIELDS: ClassVar[dict[str, str]] = {
        "configuration.cpu_cores": "edit-cores",
        "configuration.cpu_sockets": "edit-cores",
        "configuration.memory_mb": "edit-memory",
        "tags": "edit-tags",
        "description": "edit-description",
        "vm_id": "edit-cores",
    }

    def __init__(self, vm: Vm, description: str | None = None) -> None:
        super().__init__(f"vm: update {vm.name} ({vm.id})")
        self.vm = vm
        self.initial = {
            "edit-cores": str(vm.cpu_cores or ""),
            "edit-memory": str(vm.memory_mb or ""),
            "edit-tags": ", ".join(vm.tags),
            "edit-description": description or "",
        }

    def fields(self) -> ComposeResult:
        v = self.initial
        yield self.row("edit-cores", "cores", Input(v["edit-cores"], id="edit-cores", compact=True))
        yield self.row(
            "edit-memory", "memory MB", Input(v["edit-memory"], id="edit-memory", compact=True)
        )
        yield self.row("edit-tags", "tags", Input(v["edit-tags"], id="edit-tags", compact=True))
        yield self.row(
            "edit-description",
            "description",
            Input(v["edit-description"], id="edit-description", compact=True),
        )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#edit-cores", Input).focus()

    def arguments(self) -> dict[str, Any] | None:
        changed = {fid for fid, before in self.initial.items() if self.value(fid) != before.strip()}
        if not changed:
            self.show_errors({}, "nothing changed")
            return None
        args: dict[str, Any] = {"vm_id": self.vm.id}
        configuration: dict[str, Any] = {}
        if "edit-cores" in changed:
            configuration["cpu_cores"] = self.value("edit-cores") or None
        if "edit-memory" in changed:
            configuration["memory_mb"] = self.value("edit-memory") or None
        if configuration:
            args["configuration"] = configuration
        if "edit-tags" in changed:
            args["tags"] = [t.strip() for t in self.value("edit-tags").split(",") if t.strip()]
        if "edit-description" in changed:
            args["description"] = self.value("edit-description")
        return args


# --- snapshot name --------------------------------------------------------------------------


class SnapshotNameScreen(ModalScreen[dict[str, str] | None]):
    """Asks a snapshot's name (and a description) for one or more VMs; the pane runs it."""

    DEFAULT_CLASSES = "vm-form"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel", id="snapshot-name-cancel"),
    ]

    def __init__(self, targets: str) -> None:
        super().__init__()
        self.targets = targets

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = f"vm: snapshot.create {self.targets}"
            yield VmFormScreen.row(
                "snapshot-name",
                "name",
                Input(placeholder="before-upgrade", id="snapshot-name", compact=True),
            )
            yield VmFormScreen.row(
                "snapshot-description",
                "description",
                Input(id="snapshot-description", compact=True),
            )
            with Horizontal(classes="buttons"):
                yield Button("Snapshot", variant="primary", id="submit")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query(".field-error").set(display=False)
        name = self.query_one("#snapshot-name", Input)
        name.cursor_blink = getattr(self.app, "cursor_blink", True)
        name.focus()

    @on(Button.Pressed, "#submit")
    @on(Input.Submitted)
    def _submit(self) -> None:
        name = self.query_one("#snapshot-name", Input).value.strip()
        description = self.query_one("#snapshot-description", Input).value.strip()
        self.dismiss({"name": name, **({"description": description} if description else {})})

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
