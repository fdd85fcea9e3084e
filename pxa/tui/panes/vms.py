"""The VMs pane: every VM and container, live, with a detail panel and the power actions.

- Table: `VmTable` (Line API) over the core's inventory cache (`infra.inventory.vms()`, no
  paging: 10,000 rows cost what the screen shows). `InventoryRefreshed` and finished jobs
  update rows in place by id; the cursor, the marks and the scroll stay.
- Filter (`/`, as you type: name, id, node, tag, IP), quick filters by status (`r`) and
  environment (`e`), sort column (`o`) and order (`O`).
- Detail: `VmDetailPanel` for the cursor's VM, loaded by a worker a moment after the cursor
  stops (`vm.get`, `monitoring.vm_metrics` 1h, `backup.list`, `job.list`, the latest scan).
- Actions run on the marked VMs (space marks) or else the cursor's: each key is an
  `op_binding`; several VMs run one after another, each with its own confirmation.
  Create, edit and snapshot open forms (`pxa.tui.widgets.vm_forms`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static

from pxa.errors import PxaError
from pxa.models.common import Risk
from pxa.models.vm import Vm
from pxa.tui.keys import op_binding
from pxa.tui.messages import InventoryRefreshed, JobCompleted, ScanCompleted
from pxa.tui.panes.base import Pane
from pxa.tui.widgets.state import PaneState
from pxa.tui.widgets.vm_create_form import CreateChoices, VmCreateScreen
from pxa.tui.widgets.vm_detail import VmDetailData, VmDetailPanel
from pxa.tui.widgets.vm_forms import SnapshotNameScreen, VmEditScreen
from pxa.tui.widgets.vm_loaders import ScanCache, load_create_choices, load_detail
from pxa.tui.widgets.vm_rows import (
    ENVIRONMENT_FILTERS,
    SORTABLE,
    STATUS_FILTERS,
    cycle,
    status_line,
)
from pxa.tui.widgets.vm_table import VmTable

if TYPE_CHECKING:
    from pxa.core.catalogue import Operation

DETAIL_DELAY = 0.15  # seconds the cursor rests before the detail is fetched
ENRICH_DELAY = 0.3  # ... and before the IPs of the rows on screen are read
NARROW = 110  # below this many cells inside the pane the detail hides (d shows it)


class VmsLoaded(Message):
    def __init__(self, vms: list[Vm], refreshed_at: float) -> None:
        super().__init__()
        self.vms = vms
        self.refreshed_at = refreshed_at  # the inventory refresh the rows come from


class VmsLoadFailed(Message):
    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class VmsEnriched(Message):
    """The configs of the rows on screen were read: the inventory knows their IPs."""


class VmDetailLoaded(Message):
    def __init__(self, data: VmDetailData) -> None:
        super().__init__()
        self.data = data


class CreateChoicesLoaded(Message):
    def __init__(self, choices: CreateChoices) -> None:
        super().__init__()
        self.choices = choices


class VmsPane(Pane):
    pane_id = "vms"
    title = "VMs"
    areas = ("vm", "terraform")  # terraform: generate / export open their own screen
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "filter", key_display="/", id="vms-filter"),
        Binding("r", "cycle_status", "status", id="vms-status-filter"),
        Binding("e", "cycle_environment", "env", show=False, id="vms-environment-filter"),
        Binding("o", "cycle_sort", "sort", show=False, id="vms-sort"),
        Binding("O", "flip_sort", "order", show=False, id="vms-sort-order"),
        Binding("space", "mark", "mark", id="vms-mark"),
        Binding("ctrl+a", "mark_all", "mark all", show=False, id="vms-mark-all"),
        Binding("escape", "clear", "clear", show=False, id="vms-clear"),
        Binding("d", "toggle_detail", "detail", show=False, id="vms-detail"),
        Binding("f5", "refresh", "refresh", show=False, id="vms-refresh"),
        op_binding("s", "vm.start"),
        op_binding("x", "vm.stop", "shutdown"),
        Binding("X", "hard_stop", "hard stop", show=False, id="vms-stop-hard"),
        op_binding("R", "vm.restart", show=False),
        op_binding("n", "vm.snapshot.create", "snapshot"),
        op_binding("b", "backup.create", "backup", show=False),
        op_binding("ctrl+d", "vm.delete"),
        op_binding("c", "vm.create"),
        op_binding("E", "vm.update", "edit"),
        Binding("up", "cursor(-1)", "up", show=False, id="vms-cursor-up"),
        Binding("down", "cursor(1)", "down", show=False, id="vms-cursor-down"),
        Binding("pageup", "page(-1)", "page up", show=False, id="vms-page-up"),
        Binding("pagedown", "page(1)", "page down", show=False, id="vms-page-down"),
        Binding("home", "cursor_to(0)", "first", show=False, id="vms-first"),
        Binding("end", "cursor_to(-1)", "last", show=False, id="vms-last"),
    ]
    write_actions = frozenset({"hard_stop"})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.table = VmTable(id="vms-table")
        self.detail = VmDetailPanel(id="vms-detail")
        self.loaded = False
        self.detail_toggled = False
        self._detail_timer: Timer | None = None
        self._enrich_timer: Timer | None = None
        self._scans = ScanCache()
        self._detail_due = False
        self._enrich_due = False
        self._enrich_tried: set[str] = set()
        self._rows_from = -1.0  # `refreshed_at` of the inventory the rows were read from

    def compose(self) -> ComposeResult:
        yield PaneState()
        with Horizontal(id="vms-body"):
            with Vertical(id="vms-main"):
                yield Input(
                    placeholder="filter: name, id, node, tag or IP", id="vms-filter", compact=True
                )
                yield self.table
                yield Static("", id="vms-status", markup=False)
            yield self.detail

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#vms-body").display = False
        self.query_one("#vms-filter", Input).cursor_blink = getattr(self.app, "cursor_blink", True)

    @property
    def busy(self) -> bool:
        """Loading, or about to fetch the detail or the IPs on screen (tests wait for it)."""
        return not self.loaded or self._detail_due or self._enrich_due

    def on_resize(self, event: Resize) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")
        self._place_detail()

    def _place_detail(self) -> None:
        hidden = self.has_class("-narrow") != self.detail_toggled
        self.set_class(hidden, "-no-detail")

    # --- data -----------------------------------------------------------------------------
    async def load(self) -> None:
        infra = self.pxa.infra
        if infra is None:
            return
        inventory = infra.inventory
        try:
            await inventory.ensure_fresh()
        except PxaError as exc:
            self.post_message(VmsLoadFailed(exc.message))
            return
        if self.loaded and inventory.refreshed_at == self._rows_from:
            return  # the rows are from this refresh already (IPs learnt since: `_enrich`)
        # Mapping every guest costs ~25 ms per 1,000 VMs: once per refresh, not per call.
        self.post_message(VmsLoaded(inventory.vms(), inventory.refreshed_at))

    def on_vms_loaded(self, message: VmsLoaded) -> None:
        self.loaded = True
        self._rows_from = message.refreshed_at
        self.table.update_vms(message.vms)
        state = self.query_one(PaneState)
        if not self.table.rows.vms:
            state.empty("No VMs on this cluster yet: press c to create one from a template.")
            self.query_one("#vms-body").display = False
        else:
            state.display = False
            self.query_one("#vms-body").display = True
        if self.table.cursor_vm is not None and self.detail.vm is not None:
            self.detail.refresh_row(self.table.cursor_vm)  # the row's status and lock, fresh
        self._show_status()
        self._schedule_enrich()

    def on_vms_load_failed(self, message: VmsLoadFailed) -> None:
        if self.loaded and self.table.rows.vms:
            self.notify(message.message, title="VMs", severity="error", markup=False)
        else:
            self.query_one(PaneState).error(message.message)

    def on_inventory_refreshed(self, message: InventoryRefreshed) -> None:
        self._enrich_tried.clear()
        if self.display and self.pxa.infra is not None:
            self.reload()

    def on_job_completed(self, message: JobCompleted) -> None:
        target = message.job.target
        if (target and target in self.table.rows.vms) or message.job.type == "vm_creation":
            if self.display:
                self.reload()
            if target == self.detail.vm_id:
                self._schedule_detail(0)

    def on_scan_completed(self, message: ScanCompleted) -> None:
        self._scans.clear()
        self._schedule_detail(0)

    def action_refresh(self) -> None:
        self.reload()
        self._schedule_detail(0)

    # --- IPs of the rows on screen ----------------------------------------------------------
    def _schedule_enrich(self) -> None:
        if self._enrich_timer is not None:
            self._enrich_timer.stop()
        self._enrich_due = True
        self._enrich_timer = self.set_timer(ENRICH_DELAY, self._enrich)

    def _enrich(self) -> None:
        """Show the IPs the core knows for the rows on screen; read the configs of the rest."""
        infra = self.pxa.infra
        facts = infra.inventory.facts if infra is not None else {}
        top, rows = round(self.table.scroll_offset.y), self.table.rows
        ids = rows.order[top : top + self.table.page_height]
        known = {i: facts[i]["ip_address"] for i in ids if "ip_address" in facts.get(i, {})}
        self.table.patch_vms(
            [
                rows.vms[i].model_copy(update={"ip_address": ip})
                for i, ip in known.items()
                if rows.vms[i].ip_address != ip
            ]
        )
        missing = [i for i in ids if i not in known and i not in self._enrich_tried]
        if not missing:
            self._enrich_due = False
            return
        self._enrich_tried.update(missing)
        self._enrich_worker(missing)

    @work(exclusive=True, group="vms-enrich")
    async def _enrich_worker(self, ids: list[str]) -> None:
        infra = self.pxa.infra
        if infra is not None:
            await infra.inventory.enrich(ids)
            self.post_message(VmsEnriched())

    def on_vms_enriched(self, message: VmsEnriched) -> None:
        self._enrich()

    @on(VmTable.Scrolled)
    def _scrolled(self) -> None:
        self._schedule_enrich()

    # --- detail ---------------------------------------------------------------------------
    @on(VmTable.CursorMoved)
    def _cursor_event(self, message: VmTable.CursorMoved) -> None:
        self._cursor_moved(self.table.cursor_vm)

    def _cursor_moved(self, vm: Vm | None) -> None:
        self.detail.show_row(vm)
        self._schedule_detail(DETAIL_DELAY)

    def _schedule_detail(self, delay: float) -> None:
        if self._detail_timer is not None:
            self._detail_timer.stop()
        vm = self.table.cursor_vm
        self._detail_due = vm is not None
        if vm is not None:
            self._detail_timer = self.set_timer(max(delay, 0.001), lambda: self._load_detail(vm.id))

    @work(exclusive=True, group="vms-detail")
    async def _load_detail(self, vm_id: str) -> None:
        self.post_message(VmDetailLoaded(await load_detail(self.pxa, vm_id, self._scans)))

    def on_vm_detail_loaded(self, message: VmDetailLoaded) -> None:
        if message.data.vm_id == self.table.cursor_id:
            self._detail_due = False
        self.detail.show(message.data)
        self._enrich()  # vm.get has told the inventory this VM's IP

    # --- table keys -----------------------------------------------------------------------
    def action_cursor(self, delta: int) -> None:
        self.table.move_cursor(delta)

    def action_page(self, direction: int) -> None:
        self.table.page(direction)

    def action_cursor_to(self, index: int) -> None:
        self.table.move_cursor_to(index if index >= 0 else len(self.table.rows.order) - 1)

    def action_mark(self) -> None:
        self.table.toggle_mark()
        self.table.move_cursor(1)
        self._show_status()

    def action_mark_all(self) -> None:
        self.table.mark_all()
        self._show_status()

    def action_filter(self) -> None:
        box = self.query_one("#vms-filter", Input)
        self.add_class("-filtering")
        box.focus()

    @on(Input.Changed, "#vms-filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        self._query(text=event.value)

    @on(Input.Submitted, "#vms-filter")
    def _filter_done(self) -> None:
        self.remove_class("-filtering")
        self.focus()

    def action_clear(self) -> None:
        box = self.query_one("#vms-filter", Input)
        if box.has_focus or not self.table.marks:
            box.value = ""
            self.remove_class("-filtering")
            self.focus()
        else:
            self.table.clear_marks()
        self._show_status()

    def action_cycle_status(self) -> None:
        self._query(status=cycle(STATUS_FILTERS, self.table.rows.query.status))

    def action_cycle_environment(self) -> None:
        self._query(environment=cycle(ENVIRONMENT_FILTERS, self.table.rows.query.environment))

    def action_cycle_sort(self) -> None:
        self._query(sort=cycle(SORTABLE, self.table.rows.query.sort), descending=False)

    def action_flip_sort(self) -> None:
        self._query(descending=not self.table.rows.query.descending)

    def action_toggle_detail(self) -> None:
        self.detail_toggled = not self.detail_toggled
        self._place_detail()

    def _query(self, **changes: Any) -> None:
        query = self.table.rows.query.with_(**changes)
        self.table.empty_text = (
            "no VM matches the filter"
            if query.text or query.status or query.environment
            else "no VMs"
        )
        self.table.set_query(query)
        self._show_status()
        self._schedule_enrich()

    def _show_status(self) -> None:
        text = status_line(self.table.rows, len(self.table.marks))
        self.query_one("#vms-status", Static).update(text)

    # --- operations -----------------------------------------------------------------------
    def operation_args(self, op: Operation) -> dict[str, Any] | None:
        fields = op.input.model_fields
        vm = self.table.cursor_vm
        if "vm_id" not in fields:
            return super().operation_args(op)
        others = [n for n, f in fields.items() if f.is_required() and n != "vm_id"]
        return None if vm is None or others else {"vm_id": vm.id}

    def run_palette_operation(self, op: Operation) -> None:
        """Keys and the palette: forms for create and edit, a name for a snapshot, the
        marked VMs (or the cursor's) for the rest; a read refreshes what the pane shows."""
        fields = op.input.model_fields
        others = [n for n, f in fields.items() if f.is_required() and n != "vm_id"]
        if op.name == "vm.create":
            self._open_create()
        elif op.name == "vm.update":
            self._open_edit()
        elif op.name == "vm.snapshot.create":
            self._ask_snapshot()
        elif op.risk is Risk.read and op.area == "vm":
            self.action_refresh()
        elif "vm_id" in fields and others:
            self.notify(
                f"{op.title} needs {', '.join(others)} too: the VMs pane does not ask for it "
                "yet (use the pxa command line or the /v1 API)",
                severity="warning",
                markup=False,
            )
        elif op.name == "vm.stop":
            self._run_each(op.name, {"graceful": True})
        elif "vm_id" in fields:
            self._run_each(op.name, {})
        else:
            super().run_palette_operation(op)

    def action_hard_stop(self) -> None:
        self._run_each("vm.stop", {"graceful": False})

    def _run_each(self, name: str, extra: dict[str, Any]) -> None:
        ids = self.table.selected_ids()
        if not ids:
            self.notify("no VM selected", severity="warning", markup=False)
        elif len(ids) == 1:
            self.pxa.start_op(name, {"vm_id": ids[0], **extra}, requester=self)
        else:
            self._run_sequence(name, [{"vm_id": i, **extra} for i in ids])

    @work(group="ops")
    async def _run_sequence(self, name: str, calls: list[dict[str, Any]]) -> None:
        """One VM after another, each with its own confirmation (declining one skips it)."""
        for args in calls:
            await self.pxa.start_op(name, args, requester=self).wait()

    def _ask_snapshot(self) -> None:
        ids = self.table.selected_ids()
        if not ids:
            self.notify("no VM selected", severity="warning", markup=False)
            return
        names = [self.table.rows.vms[i].name for i in ids if i in self.table.rows.vms]
        targets = names[0] if len(names) == 1 else f"{len(names)} VMs"

        def chosen(answer: dict[str, str] | None) -> None:
            if answer:
                self._run_each("vm.snapshot.create", answer)

        self.app.push_screen(SnapshotNameScreen(targets), chosen)

    def _open_edit(self) -> None:
        vm = self.table.cursor_vm
        if vm is None:
            self.notify("no VM selected", severity="warning", markup=False)
            return
        data = self.detail.data
        description = (
            data.detail.description if data and data.detail and data.vm_id == vm.id else None
        )
        self.app.push_screen(VmEditScreen(vm, description), self._form_done)

    def _open_create(self) -> None:
        self._load_create_choices()

    @work(exclusive=True, group="vms-forms")
    async def _load_create_choices(self) -> None:
        choices = await load_create_choices(self.pxa)
        if choices is not None:
            self.post_message(CreateChoicesLoaded(choices))

    def on_create_choices_loaded(self, message: CreateChoicesLoaded) -> None:
        self.app.push_screen(VmCreateScreen(message.choices), self._form_done)

    def _form_done(self, result: Any) -> None:
        if result is None:
            return
        name, vm_id = getattr(result, "name", ""), getattr(result, "id", "")
        if getattr(result, "creation_job_id", None):
            self.notify(f"creating {name} ({vm_id})", title="vm: create", markup=False)
        else:
            self.notify(f"{name} ({vm_id}) updated", title="vm: update", markup=False)
            self._schedule_detail(0)
        self.reload()
