"""Pane: the base of the seven panes (VMs, Networks, Storage, Backups, Jobs, Security, Monitoring).

A pane is a widget the app mounts once in its pane switcher. The contract, in short:

- Identity: `pane_id` ("vms"), `title` ("VMs") and `areas` (the catalogue areas whose
  operations the command palette offers while the pane is shown: `("vm",)`). Register the
  class in `pxa.tui.panes.PANES`; its number key and palette entry follow from the order.
- Data: override `load()`; it runs in an exclusive worker (group "pane-load"), fetches
  through `await self.pxa.run_op(...)` (reads need no confirmation) and posts a
  past-tense message (`VmsLoaded`) to the pane, whose handler updates the widgets. The
  base calls `reload()` when the core becomes ready (if the pane is shown) and each time
  the pane is shown; a hidden pane still receives core messages.
- Changes: handle core messages by name (`on_vm_status_changed`, `on_job_completed`,
  ... from `pxa.tui.messages`); never subscribe to the bus. Textual runs the handler of
  every class in the MRO, so the base's handlers run after yours; call
  `message.prevent_default()` in yours to skip them.
- Keys: a key that runs a catalogue operation is `op_binding("s", "vm.start")` (from
  `pxa.tui.keys`): its id is the operation's name with dashes ("vm-start", as in
  config.example.toml), and read-only mode hides it when the operation writes. Other keys
  are `Binding(..., id="<pane_id>-<action>")` ("vms-filter"); list the actions that write
  in `write_actions`. `ui.keymap` rebinds any of them by id.
- Operations: `operation_args(op)` builds the arguments for an operation from the pane's
  selection (override it: the base only runs operations without required fields); keys
  and the palette both go through `run_palette_operation` → `app.start_op(name, args,
  requester=self)`, and the result comes back as `OperationFinished`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widget import Widget

from pxa.models.common import Risk
from pxa.tui.bridge import CoreListener
from pxa.tui.messages import CoreFailed, CoreReady
from pxa.tui.ops import OperationFinished
from pxa.tui.widgets.state import PaneState

if TYPE_CHECKING:
    from pxa.core.catalogue import Operation
    from pxa.tui.app import PxaApp


class PlaceholderShown(Message):
    """Posted by the base `load()` of a pane not built yet."""


class Pane(CoreListener, Widget):
    pane_id: ClassVar[str] = ""
    title: ClassVar[str] = ""
    areas: ClassVar[tuple[str, ...]] = ()
    write_actions: ClassVar[frozenset[str]] = frozenset()
    placeholder: ClassVar[str] = ""  # what an unbuilt pane says once connected

    DEFAULT_CLASSES = "pane"
    can_focus = True

    @property
    def pxa(self) -> PxaApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield PaneState()

    def on_mount(self) -> None:
        self.border_title = self.title

    def on_show(self) -> None:
        if self.pxa.infra is not None:
            self.reload()

    # --- data -----------------------------------------------------------------------------
    def reload(self) -> None:
        """Start `load()` again (the previous run, if any, is cancelled)."""
        self._load_worker()

    @work(exclusive=True, group="pane-load")
    async def _load_worker(self) -> None:
        await self.load()

    async def load(self) -> None:
        """Override: fetch with `await self.pxa.run_op(...)`, then post a *Loaded message."""
        if self.placeholder:
            self.post_message(PlaceholderShown())

    def on_placeholder_shown(self, message: PlaceholderShown) -> None:
        self.query_one(PaneState).empty(self.placeholder)

    def on_core_ready(self, message: CoreReady) -> None:
        if self.display:  # a hidden pane loads when it is shown
            self.reload()

    def on_core_failed(self, message: CoreFailed) -> None:
        for state in self.query(PaneState):
            state.error(f"no cluster: {message.message}")

    # --- operations -----------------------------------------------------------------------
    def operation_args(self, op: Operation) -> dict[str, Any] | None:
        """Arguments for `op` from the pane's selection, or None when one is needed."""
        required = [name for name, f in op.input.model_fields.items() if f.is_required()]
        return None if required else {}

    def run_palette_operation(self, op: Operation) -> None:
        args = self.operation_args(op)
        if args is None:
            self.notify(
                f"{op.title} needs a {op.area} selected in the {self.title} pane",
                severity="warning",
                markup=False,
            )
            return
        self.pxa.start_op(op.name, args, requester=self)

    def on_operation_finished(self, message: OperationFinished) -> None:
        """Default: a short toast for a write; panes override to show results."""
        op = self.pxa.catalogue.get(message.name)
        if message.result is None or op is None or op.risk is Risk.read:
            return
        text = getattr(message.result, "message", None) or "done"
        self.notify(str(text), title=op.title, markup=False)

    def action_operation(self, name: str) -> None:
        """What `op_binding` keys do: run catalogue operation `name` on the selection."""
        self.run_palette_operation(self.pxa.catalogue[name])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.pxa.read_only:
            return True
        if action == "operation" and parameters:
            op = self.pxa.catalogue.get(str(parameters[0]))
            return op is None or op.risk is Risk.read
        return action not in self.write_actions

    def focus_target(self) -> Widget:
        """The widget to focus when the pane is shown (override: the pane's table)."""
        return self
