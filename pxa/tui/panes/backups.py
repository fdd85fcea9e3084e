"""The Backups pane: archives on every storage, schedules, and the guests no schedule covers.

`backup.list`, `backup.schedule.list` and `backup.coverage` are read together. `f` filters
the archives by VM (id or name). Creating a backup, restoring one (as a new VM, or over its
VM: destructive, so the shell asks for the name) and schedules are forms; deleting a
protected backup is refused by the core, whose message the toast shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Label

from pxa.models.backup import Backup, BackupSchedule, Coverage, Retention
from pxa.tui.keys import op_binding
from pxa.tui.messages import BackupCompleted, JobCompleted
from pxa.tui.ops import OperationFinished
from pxa.tui.panes.base import Pane
from pxa.tui.widgets.op_form import FormField, OperationForm
from pxa.tui.widgets.pane_forms import backup_create_fields, restore_fields, schedule_fields
from pxa.tui.widgets.pane_kit import (
    LoadFailed,
    fetch,
    gib,
    refill,
    selected_key,
    show_body,
    show_state,
    stamp,
    status_text,
    tint,
)
from pxa.tui.widgets.state import PaneState

if TYPE_CHECKING:
    from pxa.core.catalogue import Operation

COLUMNS = ("VM", "id", "storage", "created", "size", "prot", "enc", "verified", "notes")
SCHEDULE_COLUMNS = ("when", "storage", "guests", "keep", "on", "comment")
JOB_TYPES = ("backup_creation", "backup_restore", "backup_deletion")
MAX_SHOWN = 1000


class BackupsLoaded(Message):
    def __init__(
        self, backups: list[Backup], total: int, schedules: list[BackupSchedule], cover: Coverage
    ) -> None:
        super().__init__()
        self.backups = backups
        self.total = total
        self.schedules = schedules
        self.coverage = cover


class BackupsPane(Pane):
    pane_id = "backups"
    title = "Backups"
    areas = ("backup",)
    forms: ClassVar[frozenset[str]] = frozenset(
        {"backup.create", "backup.restore", "backup.schedule.create", "backup.schedule.update"}
    )  # operations that open a form first
    BINDINGS: ClassVar[list[BindingType]] = [
        op_binding("c", "backup.create", "back up"),
        op_binding("o", "backup.restore", "restore"),
        op_binding("d", "backup.delete", "delete"),
        op_binding("s", "backup.schedule.create", "new schedule"),
        Binding("f", "filter", "filter", id="backups-filter"),
        Binding("r", "refresh", "refresh", id="backups-refresh"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.loaded: BackupsLoaded | None = None
        self.backups: dict[str, Backup] = {}
        self.schedules: dict[str, BackupSchedule] = {}
        self.vm_filter = ""

    def compose(self) -> ComposeResult:
        yield PaneState()
        with Vertical(classes="pane-body"):
            yield Input(placeholder="filter by VM: id or name (esc: close)", id="backups-filter")
            yield Label("", id="backups-title", classes="section-title")
            table: DataTable[Any] = DataTable(cursor_type="row", id="backups-table")
            table.add_columns(*COLUMNS)
            yield table
            with Horizontal(classes="detail-row"):
                with Vertical(id="schedules-box"):
                    yield Label("schedules", id="schedules-title", classes="section-title")
                    schedules: DataTable[Any] = DataTable(cursor_type="row", id="schedules-table")
                    schedules.add_columns(*SCHEDULE_COLUMNS)
                    yield schedules
                with Vertical(id="coverage-box"):
                    yield Label("", id="coverage-title", classes="section-title")
                    cover: DataTable[Any] = DataTable(cursor_type="row", id="coverage-table")
                    cover.add_columns("guest", "name")
                    yield cover

    def on_mount(self) -> None:
        self.query_one(".pane-body").display = False
        self.query_one("#backups-filter").display = False
        self.query_one("#backups-filter", Input).cursor_blink = getattr(
            self.app, "cursor_blink", True
        )
        self.app.theme_changed_signal.subscribe(self, lambda _: self._refresh_view())

    def focus_target(self) -> DataTable[Any]:
        return self.query_one("#backups-table", DataTable)

    @property
    def selected(self) -> Backup | None:
        return self.backups.get(selected_key(self.focus_target()) or "")

    @property
    def selected_schedule(self) -> BackupSchedule | None:
        return self.schedules.get(selected_key(self.query_one("#schedules-table", DataTable)) or "")

    # --- loading --------------------------------------------------------------------------
    async def load(self) -> None:
        backups: list[Backup] = []
        total = 0
        while len(backups) < MAX_SHOWN:  # the list pages by 200
            page = await fetch(self, "backup.list", {"limit": 200, "offset": len(backups)})
            if page is None:
                return
            backups += page.backups
            total = page.total
            if not page.backups or len(backups) >= total:
                break
        schedules = await fetch(self, "backup.schedule.list")
        cover = await fetch(self, "backup.coverage")
        if schedules is not None and cover is not None:
            self.post_message(BackupsLoaded(backups, total, schedules.schedules, cover))

    def on_backups_loaded(self, message: BackupsLoaded) -> None:
        self.loaded = message
        self.backups = {b.id: b for b in message.backups}
        self.schedules = {s.id: s for s in message.schedules}
        show_body(self)
        self._refresh_view()

    def on_load_failed(self, message: LoadFailed) -> None:
        show_state(self, "error", f"Backups could not be read: {message.message}")

    def _refresh_view(self) -> None:
        m = self.loaded
        if m is None:
            return
        wanted = self.vm_filter.lower()
        shown = [b for b in m.backups if not wanted or wanted in _vm_words(b)]
        refill(self.focus_target(), ((b.id, self._cells(b)) for b in shown))
        more = f" of {m.total}" if m.total > len(m.backups) else ""
        which = f" for {self.vm_filter!r}" if wanted else ""
        self.query_one("#backups-title", Label).update(
            f"backups{which}: {len(shown)}{more}, newest first"
            if shown
            else f"no backups{which}: c backs a VM up now"
        )
        refill(
            self.query_one("#schedules-table", DataTable),
            ((s.id, self._schedule_cells(s)) for s in m.schedules),
        )
        self.query_one("#schedules-title", Label).update(f"schedules ({len(m.schedules)})")
        rows = [
            (
                g,
                [
                    tint(self.app, g, "severity-high"),
                    tint(self.app, m.coverage.names.get(g) or "—", "severity-high"),
                ],
            )
            for g in m.coverage.uncovered
        ]
        refill(self.query_one("#coverage-table", DataTable), rows)
        self.query_one("#coverage-title", Label).update(
            f"not covered by any schedule ({len(rows)})" if rows else "every guest is covered"
        )

    def _cells(self, b: Backup) -> list[Any]:
        if b.verification:
            state = "completed" if b.verification == "ok" else "failed"
            verified: Any = status_text(self.app, state, b.verification)
        else:
            verified = "—"
        return [
            b.vm_name or "—",
            b.vm_id or "—",
            b.storage,
            stamp(b.created_at),
            gib(b.size_gb),
            "yes" if b.protected else "",
            "yes" if b.encrypted else "",
            verified,
            b.notes or "",
        ]

    def _schedule_cells(self, s: BackupSchedule) -> list[Any]:
        guests = "all" if s.all else str(len(s.vm_ids))
        on = (
            status_text(self.app, "completed", "yes")
            if s.enabled
            else status_text(self.app, "cancelled", "no")
        )
        return [s.schedule, s.storage, guests, _keep(s.retention), on, s.comment or ""]

    # --- filtering ------------------------------------------------------------------------
    def action_filter(self) -> None:
        box = self.query_one("#backups-filter", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#backups-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.vm_filter = event.value.strip()
        self._refresh_view()

    @on(Input.Submitted, "#backups-filter")
    def _filter_done(self) -> None:
        self.focus_target().focus()

    def key_escape(self) -> None:
        box = self.query_one("#backups-filter", Input)
        if box.display:
            box.value = ""
            box.display = False
            self.focus_target().focus()

    # --- keys, forms and operations -------------------------------------------------------
    def action_refresh(self) -> None:
        self.reload()

    def operation_args(self, op: Operation) -> dict[str, Any] | None:
        b = self.selected
        if op.name in ("backup.get", "backup.delete"):
            return {"backup_id": b.id} if b else None
        if op.name == "backup.schedule.delete":
            s = self.selected_schedule
            return {"schedule_id": s.id} if s else None
        return super().operation_args(op)

    def run_palette_operation(self, op: Operation) -> None:
        if op.name not in self.forms:
            super().run_palette_operation(op)
            return
        form = self._form(op)
        if form is None:
            what = "schedule" if "schedule" in op.name else "backup"
            self.notify(f"{op.title} needs a {what} selected", severity="warning", markup=False)
        else:
            self.app.push_screen(form)

    def _form(self, op: Operation) -> OperationForm | None:
        b = self.selected
        if op.name == "backup.create":
            vm = (
                selected_key(self.query_one("#coverage-table", DataTable))
                if self.query_one("#coverage-table").has_focus
                else (b.vm_id if b else None)
            )
            return OperationForm(
                op.name, self._create_fields(vm), title="backup: create", requester=self
            )
        if op.name == "backup.restore":
            if b is None:
                return None
            return OperationForm(
                op.name,
                restore_fields(),
                title=f"backup: restore {b.vm_name or b.vm_id or b.id}",
                fixed={"backup_id": b.id},
                requester=self,
                note=f"{b.volid}\nOver the original VM replaces its disks (it must be stopped): "
                "you will type the backup's id to confirm.",
            )
        storages = sorted(
            {s.storage for s in self.schedules.values()}
            | {x.storage for x in self.backups.values()}
        )
        if op.name == "backup.schedule.create":
            return OperationForm(
                op.name, schedule_fields(storages), title="backup: schedule create", requester=self
            )
        s = self.selected_schedule
        if s is None:
            return None
        return OperationForm(
            op.name,
            schedule_fields(storages, s),
            title=f"backup: schedule update {s.comment or s.id}",
            fixed={"schedule_id": s.id},
            requester=self,
        )

    def _create_fields(self, vm: str | None) -> list[FormField]:
        infra = self.pxa.infra
        guests = [v for v in (infra.inventory.vms() if infra else []) if not v.template]
        options = [(f"{v.name} ({v.id})", v.id) for v in sorted(guests, key=lambda v: v.id)]
        return backup_create_fields(options, vm, sorted({x.storage for x in self.backups.values()}))

    def on_operation_finished(self, message: OperationFinished) -> None:
        if message.ok:
            self.reload()

    def on_job_completed(self, message: JobCompleted) -> None:
        if message.job.type in JOB_TYPES and self.loaded is not None:
            self.reload()

    def on_backup_completed(self, message: BackupCompleted) -> None:
        if self.loaded is not None:
            self.reload()


def _keep(r: Retention) -> str:
    parts = [f"last {r.keep_last}"] if r.keep_last else []
    for n, unit in ((r.keep_daily, "d"), (r.keep_weekly, "w"), (r.keep_monthly, "m")):
        if n:
            parts.append(f"{n}{unit}")
    if r.keep_yearly:
        parts.append(f"{r.keep_yearly}y")
    return " ".join(parts) or "—"


def _vm_words(b: Backup) -> str:
    return f"{b.vm_id or ''} {b.vmid or ''} {b.vm_name or ''}".lower()
