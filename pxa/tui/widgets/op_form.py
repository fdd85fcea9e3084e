"""OperationForm: a modal form that runs one catalogue operation and shows its field errors.

A pane builds the form from `FormField`s (what each value is and where it goes in the
arguments, `path="dhcp_range.start"`), plus `fixed` arguments from its selection. Submit
runs the operation through `app.run_op` in the form's worker, so the core's gate asks its
confirmation on top of the form. An `Invalid` (or a `Conflict` naming a field) keeps the
form open with the core's message under that field; success posts `OperationFinished` to
the pane that asked, as `app.start_op` would, and closes the form.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from pxa.errors import ConfirmationRefused, PxaError
from pxa.tui.ops import OperationFinished

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

Kind = Literal["text", "int", "list", "bool", "select", "password"]


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: Kind = "text"
    path: str | None = None  # where the value goes in the arguments; default: `name`
    options: Sequence[tuple[str, str]] = ()  # (label, value) for a select
    value: Any = None
    placeholder: str = ""
    show_when: tuple[str, frozenset[str]] | None = None  # shown while another field is one of
    help: str = ""

    @property
    def where(self) -> str:
        return self.path or self.name


@dataclass
class FormErrors:
    fields: dict[str, str] = field(default_factory=dict)  # form field name → message
    general: str | None = None


class FormRejected(Message):
    """The core refused the arguments (or the person declined the confirmation)."""

    def __init__(self, errors: FormErrors) -> None:
        super().__init__()
        self.errors = errors


class FormAccepted(Message):
    def __init__(self, args: dict[str, Any], result: Any) -> None:
        super().__init__()
        self.args = args
        self.result = result


class OperationForm(ModalScreen[Any]):
    DEFAULT_CLASSES = "op-form"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel", id="form-cancel"),
        Binding("ctrl+s", "submit", "submit", id="form-submit"),
    ]

    def __init__(
        self,
        operation: str,
        fields: Sequence[FormField],
        *,
        title: str | None = None,
        fixed: dict[str, Any] | None = None,
        requester: MessagePump | None = None,
        note: str = "",
        submit_label: str = "Submit",
    ) -> None:
        super().__init__()
        self.operation = operation
        self.fields = list(fields)
        self.form_title = title or operation
        self.fixed = dict(fixed or {})
        self.requester = requester
        self.note = note
        self.submit_label = submit_label
        self.errors = FormErrors()

    # --- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = self.form_title
            if self.note:
                yield Static(self.note, markup=False, classes="note")
            with VerticalScroll(classes="fields"):
                for f in self.fields:
                    with Vertical(classes="form-field", id=f"field-{f.name}"):
                        with Horizontal(classes="form-row"):
                            yield Label(f.label, classes="form-label")
                            yield self._field_input(f)
                        if f.help:
                            yield Static(f.help, markup=False, classes="form-help")
                        yield Static("", markup=False, classes="field-error")
            yield Static("", markup=False, classes="form-error")
            with Horizontal(classes="buttons"):
                yield Button(self.submit_label, variant="primary", id="submit")
                yield Button("Cancel", id="cancel")

    def _field_input(self, f: FormField) -> Widget:
        wid = f"input-{f.name}"
        if f.kind == "bool":
            return Checkbox("", value=bool(f.value), id=wid, classes="form-input")
        if f.kind == "select":
            return Select(
                list(f.options),
                value=f.value if f.value is not None else Select.NULL,
                allow_blank=f.value is None,
                prompt=f.placeholder or "choose…",
                compact=True,
                id=wid,
                classes="form-input",
            )
        value = (
            "" if f.value is None else (", ".join(f.value) if f.kind == "list" else str(f.value))
        )
        return Input(
            value,
            placeholder=f.placeholder,
            password=f.kind == "password",
            compact=True,
            id=wid,
            classes="form-input",
        )

    def on_mount(self) -> None:
        blink = getattr(self.app, "cursor_blink", True)
        for widget in self.query(Input):
            widget.cursor_blink = blink
        self._apply_visibility()
        first = next(iter(self.query(".form-input")), None)
        if first is not None:
            first.focus()

    @on(Select.Changed)
    def _select_changed(self) -> None:
        self._apply_visibility()

    def _apply_visibility(self) -> None:
        for f in self.fields:
            if f.show_when:
                other, values = f.show_when
                shown = str(self.raw(other)) in values
                self.query_one(f"#field-{f.name}").display = shown

    # --- values ---------------------------------------------------------------------------
    def raw(self, name: str) -> Any:
        widget = self.query_one(f"#input-{name}")
        if isinstance(widget, Select):
            return None if widget.value is Select.NULL else widget.value
        return widget.value  # type: ignore[attr-defined]

    def arguments(self) -> dict[str, Any]:
        """The operation's arguments: the fixed ones, then each shown field that has a value."""
        args: dict[str, Any] = dict(self.fixed)
        for f in self.fields:
            if not self.query_one(f"#field-{f.name}").display:
                continue
            value = _convert(f, self.raw(f.name))
            if value is None:
                continue
            *parents, leaf = f.where.split(".")
            target = args
            for part in parents:
                target = target.setdefault(part, {})
            target[leaf] = value
        return args

    # --- submitting -----------------------------------------------------------------------
    @on(Button.Pressed, "#submit")
    @on(Input.Submitted)
    def action_submit(self) -> None:
        args = self.arguments()
        self.show_errors(FormErrors())
        self.query_one("#submit", Button).disabled = True
        self.run_worker(self._submit(args), name=self.operation, group="ops", exclusive=True)

    async def _submit(self, args: dict[str, Any]) -> None:
        try:
            result = await self.app.run_op(self.operation, args, toast=False)  # type: ignore[attr-defined]
        except ConfirmationRefused as exc:
            self.post_message(FormRejected(FormErrors(general=exc.message)))
        except PxaError as exc:
            self.post_message(FormRejected(self.errors_of(exc)))
        else:
            self.post_message(FormAccepted(args, result))

    def errors_of(self, exc: PxaError) -> FormErrors:
        """The core's message under the field it names; anything else under the form."""
        named: list[tuple[str, str]] = []
        for item in exc.details.get("errors") or []:
            named.append((str(item.get("field") or ""), str(item.get("message") or "")))
        if not named and exc.details.get("field"):
            named.append((str(exc.details["field"]), exc.message))
        errors = FormErrors()
        unplaced = []
        for key, message in named:
            f = self._field_for(key)
            if f is None:
                unplaced.append(message if key in message else f"{key}: {message}")
            else:
                errors.fields.setdefault(f.name, message)
        if unplaced or not errors.fields:
            errors.general = "; ".join(unplaced) or exc.message
        return errors

    def _field_for(self, key: str) -> FormField | None:
        shown = [f for f in self.fields if self.query_one(f"#field-{f.name}").display]
        for f in shown:
            if f.where == key or key.startswith(f.where + "."):
                return f
        for f in shown:
            if f.where.startswith(key + "."):
                return f
        return None

    def on_form_rejected(self, message: FormRejected) -> None:
        self.query_one("#submit", Button).disabled = False
        self.show_errors(message.errors)
        if message.errors.fields:
            first = next(iter(message.errors.fields))
            self.query_one(f"#input-{first}").focus()

    def show_errors(self, errors: FormErrors) -> None:
        self.errors = errors
        for f in self.fields:
            box = self.query_one(f"#field-{f.name} .field-error", Static)
            text = errors.fields.get(f.name, "")
            box.update(text)
            box.display = bool(text)
            self.query_one(f"#field-{f.name}").set_class(bool(text), "-invalid")
        general = self.query_one(".form-error", Static)
        general.update(errors.general or "")
        general.display = bool(errors.general)

    def on_form_accepted(self, message: FormAccepted) -> None:
        if self.requester is not None:
            self.requester.post_message(
                OperationFinished(self.operation, message.args, message.result)
            )
        self.dismiss(message.result)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def _convert(f: FormField, value: Any) -> Any:
    if f.kind == "bool":
        return bool(value)
    if value is None:
        return None
    if f.kind == "select":
        return value
    text = str(value).strip()
    if not text:
        return None
    if f.kind == "int":
        return int(text) if text.lstrip("-").isdigit() else text  # the core names a bad one
    if f.kind == "list":
        return [part.strip() for part in text.split(",") if part.strip()]
    return text
