"""The Jobs pane: every job pxa runs, with live progress, the selected job's log, and cancel.

The table is loaded with `job.list`; `JobProgressed` and `JobCompleted` then update a job's
row in place (no reload), `JobCreated` reloads the list. The selected job's log comes from
`job.get`: again on each of its messages, and every second while it runs. A finished job
says how long it took and its result, or its error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from pxa.models.job import Job, JobStatus
from pxa.tui.keys import op_binding
from pxa.tui.messages import JobCompleted, JobCreated, JobProgressed
from pxa.tui.ops import OperationFinished
from pxa.tui.panes.base import Pane
from pxa.tui.widgets.job_log import JobLogView
from pxa.tui.widgets.pane_kit import (
    STATUS_VARIABLES,
    LoadFailed,
    bar,
    fetch,
    refill,
    selected_key,
    show_body,
    show_state,
    stamp,
    status_text,
    tint,
    took,
)
from pxa.tui.widgets.state import PaneState

if TYPE_CHECKING:
    from pxa.core.catalogue import Operation

COLUMNS = (
    ("job", "id"),
    ("target", "target"),
    ("status", "status"),
    ("progress", "progress"),
    ("started", "started"),
    ("took", "took"),
    ("by", "actor"),
)
FILTERS: tuple[str | None, ...] = (None, "running", "failed")
EMPTY = (
    "No jobs yet.\nA job appears here as soon as pxa starts one: from a pane, the chat, "
    "the /v1 API or the CLI."
)


class JobsLoaded(Message):
    def __init__(self, jobs: list[Job]) -> None:
        super().__init__()
        self.jobs = jobs


class JobLoaded(Message):
    """The selected job, read again with its log."""

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job


class JobsPane(Pane):
    pane_id = "jobs"
    title = "Jobs"
    areas = ("job",)
    forms: ClassVar[frozenset[str]] = frozenset()  # operations that open a form first
    BINDINGS: ClassVar[list[BindingType]] = [
        op_binding("c", "job.cancel", "cancel"),
        Binding("f", "filter", "filter", id="jobs-filter"),
        Binding("r", "refresh", "refresh", id="jobs-refresh"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.jobs: dict[str, Job] | None = None  # None: not loaded yet
        self.shown: Job | None = None
        self.filter: str | None = None

    def compose(self) -> ComposeResult:
        yield PaneState()
        with Vertical(classes="pane-body"):
            table: DataTable[Any] = DataTable(cursor_type="row", id="jobs-table")
            for label, key in COLUMNS:
                table.add_column(label, key=key)
            yield table
            yield Static("", id="job-summary", classes="detail")
            yield JobLogView(id="job-log")

    def on_mount(self) -> None:
        self.query_one(".pane-body").display = False
        self._poll = self.set_interval(1.0, self._poll_running, pause=True)
        self.app.theme_changed_signal.subscribe(self, lambda _: self._redraw())

    def on_show(self) -> None:
        self._poll.resume()

    def on_hide(self) -> None:
        self._poll.pause()

    def focus_target(self) -> DataTable[Any]:
        return self.query_one("#jobs-table", DataTable)

    # --- loading --------------------------------------------------------------------------
    async def load(self) -> None:
        args: dict[str, Any] = {"limit": 100}
        if self.filter:
            args["status"] = self.filter
        found = await fetch(self, "job.list", args)
        if found is not None:
            self.post_message(JobsLoaded(found.jobs))

    @work(exclusive=True, group="jobs-detail")
    async def load_detail(self, job_id: str) -> None:
        job = await fetch(self, "job.get", {"job_id": job_id})
        if job is not None:
            self.post_message(JobLoaded(job))

    def on_jobs_loaded(self, message: JobsLoaded) -> None:
        self.jobs = {j.id: j for j in message.jobs}
        if not message.jobs:
            which = f"No {self.filter} jobs (f: show all)." if self.filter else EMPTY
            show_state(self, "empty", which)
            self.shown = None
            return
        show_body(self)
        table = self.focus_target()
        refill(table, ((j.id, self._cells(j)) for j in message.jobs))
        key = selected_key(table)
        if key is not None:
            self.load_detail(key)

    def on_job_loaded(self, message: JobLoaded) -> None:
        if selected_key(self.focus_target()) != message.job.id:
            return
        self.shown = message.job
        self.query_one("#job-summary", Static).update(self._summary(message.job))
        self.query_one(JobLogView).show(message.job)

    def on_load_failed(self, message: LoadFailed) -> None:
        if self.jobs is None or message.operation == "job.list":
            show_state(self, "error", f"Jobs could not be read: {message.message}")
        else:
            self.notify(message.message, title="Jobs", severity="error", markup=False)

    @on(DataTable.RowHighlighted, "#jobs-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.load_detail(event.row_key.value)

    def _poll_running(self) -> None:
        if self.shown is not None and not self.shown.status.finished:
            self.load_detail(self.shown.id)

    # --- live changes ---------------------------------------------------------------------
    def on_job_created(self, message: JobCreated) -> None:
        self._job_appeared(JobStatus.pending)

    def _job_appeared(self, status: JobStatus) -> None:
        """A job the table lacks: read the list again if the filter lets it in (a hidden
        pane reads it when shown)."""
        wanted = self.filter is None or self.filter == status.value
        if self.jobs is not None and self.display and wanted:
            self.reload()

    def on_job_progressed(self, message: JobProgressed) -> None:
        job = (self.jobs or {}).get(message.job_id)
        data = message.event.data.get("job") or {}
        if job is None:  # JobCreated brought it in, unless the filter kept it out
            if data.get("status") == JobStatus.running.value:
                self._job_appeared(JobStatus.running)
            return
        changes: dict[str, Any] = {}
        if message.progress is not None:
            changes["progress"] = message.progress
        if data.get("status") and job.status is JobStatus.pending:
            changes["status"] = JobStatus(data["status"])
        self._update(job.model_copy(update=changes))

    def on_job_completed(self, message: JobCompleted) -> None:
        if self.jobs is None:
            return
        if message.job_id not in self.jobs:
            self._job_appeared(message.job.status)
            return
        self._update(message.job)

    def _update(self, job: Job) -> None:
        """Put `job` in its row, cell by cell, and refresh the detail if it is the one shown."""
        assert self.jobs is not None
        self.jobs[job.id] = job
        table = self.focus_target()
        for (_, key), cell in zip(COLUMNS, self._cells(job), strict=True):
            table.update_cell(job.id, key, cell, update_width=True)
        if self.shown is not None and self.shown.id == job.id:
            self.load_detail(job.id)

    # --- what the rows say ----------------------------------------------------------------
    def _cells(self, job: Job) -> list[Any]:
        variable = STATUS_VARIABLES.get(job.status.value)
        return [
            job.id,
            job.target or "—",
            status_text(self.app, job.status.value),
            bar(self.app, job.progress, 10, variable),
            stamp(job.started_at or job.created_at),
            took(job.duration_seconds) if job.status.finished else "—",
            job.actor or "—",
        ]

    def _summary(self, job: Job) -> Text:
        text = Text(f"{job.id} · {job.type}", end="")
        if job.target:
            text.append(f" on {job.target}")
        if job.actor:
            text.append(f" · by {job.actor}")
        text.append("\n")
        text.append_text(status_text(self.app, job.status.value))
        if job.status is JobStatus.completed:
            text.append(f" in {took(job.duration_seconds)}")
            if job.result:
                result = ", ".join(f"{k}={v}" for k, v in job.result.items())
                text.append(f" · result: {result}")
        elif job.status.finished:
            text.append(f" after {took(job.duration_seconds)}: ")
            text.append_text(tint(self.app, job.error or "no reason given", "text-error"))
        else:
            text.append(f" · {job.progress}%")
            if job.estimated_completion:
                text.append(f" · expected to end about {stamp(job.estimated_completion)}")
        return text

    def _redraw(self) -> None:
        if self.jobs:
            refill(self.focus_target(), ((j.id, self._cells(j)) for j in self.jobs.values()))
        if self.shown is not None:
            self.query_one("#job-summary", Static).update(self._summary(self.shown))
        self.query_one(JobLogView).redraw()

    # --- keys and operations --------------------------------------------------------------
    def operation_args(self, op: Operation) -> dict[str, Any] | None:
        if op.name in ("job.get", "job.cancel"):
            key = selected_key(self.focus_target())
            return {"job_id": key} if key else None
        return super().operation_args(op)

    def on_operation_finished(self, message: OperationFinished) -> None:
        if message.name == "job.cancel" and isinstance(message.result, Job):
            message.prevent_default()
            job = message.result
            self.notify(f"{job.id}: {job.status.value}", title="job: cancel", markup=False)
            self._update(job) if self.jobs and job.id in self.jobs else self.reload()
        elif message.name in ("job.list", "job.get"):
            self.reload()

    def action_refresh(self) -> None:
        self.reload()

    def action_filter(self) -> None:
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self.border_subtitle = f"{self.filter} only" if self.filter else ""
        self.reload()
