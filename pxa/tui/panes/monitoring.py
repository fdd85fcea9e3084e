"""The Monitoring pane: the cluster at a glance, and one VM's graphs over a chosen period.

`monitoring.metrics` gives per-node CPU, memory, disk and load, guests by status, storage
fill and jobs; `monitoring.vm_metrics` the selected VM's CPU, memory, network and disk
series over 1h, 24h, 7d or 30d (keys h, d, w, m). While the pane is shown it reads both
again every `ui.refresh_seconds`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, Select

from pxa.models.monitoring import Series, StorageMetrics, SystemMetrics, VmMetrics
from pxa.tui.ops import OperationFinished
from pxa.tui.panes.base import Pane
from pxa.tui.widgets.graphs import MetricGraph
from pxa.tui.widgets.pane_kit import (
    LoadFailed,
    bar,
    fetch,
    rate,
    refill,
    show_body,
    show_state,
    tint,
    took,
)
from pxa.tui.widgets.state import PaneState

if TYPE_CHECKING:
    from pxa.core.catalogue import Operation

PERIODS = ("1h", "24h", "7d", "30d")
NODE_COLUMNS = ("node", "CPU", "memory", "disk", "load", "up")
STORAGE_COLUMNS = ("storage", "on", "fill", "used / total")
# graph id → (label, series names, how a value reads)
GRAPHS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "graph-cpu": ("CPU", ("cpu",), "%"),
    "graph-memory": ("memory", ("memory", "memory_total"), "MiB"),
    "graph-net-in": ("network in", ("network_in",), "B/s"),
    "graph-net-out": ("network out", ("network_out",), "B/s"),
    "graph-disk-read": ("disk read", ("disk_read",), "B/s"),
    "graph-disk-write": ("disk write", ("disk_write",), "B/s"),
}


class MetricsLoaded(Message):
    def __init__(self, metrics: SystemMetrics) -> None:
        super().__init__()
        self.metrics = metrics


class VmMetricsLoaded(Message):
    def __init__(self, metrics: VmMetrics) -> None:
        super().__init__()
        self.metrics = metrics


class MonitoringPane(Pane):
    pane_id = "monitoring"
    title = "Monitoring"
    areas = ("monitoring", "cluster")
    forms: ClassVar[frozenset[str]] = frozenset()
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("h", "period('1h')", "1h", id="monitoring-period-1h"),
        Binding("d", "period('24h')", "24h", id="monitoring-period-24h"),
        Binding("w", "period('7d')", "7d", id="monitoring-period-7d"),
        Binding("m", "period('30d')", "30d", id="monitoring-period-30d"),
        Binding("v", "choose_vm", "VM", id="monitoring-vm"),
        Binding("r", "refresh", "refresh", id="monitoring-refresh"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metrics: SystemMetrics | None = None
        self.vm_metrics: VmMetrics | None = None
        self.vm_id: str | None = None
        self.period = "1h"
        self.vm_options: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield PaneState()
        with Vertical(classes="pane-body"):
            yield Label("", id="cluster-line", classes="section-title")
            with Horizontal(id="cluster-row"):
                nodes: DataTable[Any] = DataTable(cursor_type="row", id="nodes-table")
                nodes.add_columns(*NODE_COLUMNS)
                yield nodes
                fill: DataTable[Any] = DataTable(cursor_type="row", id="fill-table")
                fill.add_columns(*STORAGE_COLUMNS)
                yield fill
            with Horizontal(id="vm-row"):
                yield Label("VM", classes="form-label")
                yield Select([], prompt="choose a VM", compact=True, id="vm-select")
                yield Label("", id="period-line")
            with Grid(id="graphs"):
                for gid, (label, _, _) in GRAPHS.items():
                    yield MetricGraph(label, id=gid)

    def on_mount(self) -> None:
        self.query_one(".pane-body").display = False
        seconds = self.pxa.settings.ui.refresh_seconds
        self.refresh_timer = self.set_interval(seconds, self.reload, pause=True)
        self.app.theme_changed_signal.subscribe(self, lambda _: self._refresh_view())
        self._show_period()

    def on_show(self) -> None:
        self.refresh_timer.resume()

    def on_hide(self) -> None:
        self.refresh_timer.pause()

    def focus_target(self) -> DataTable[Any]:
        return self.query_one("#nodes-table", DataTable)

    # --- loading --------------------------------------------------------------------------
    async def load(self) -> None:
        found = await fetch(self, "monitoring.metrics")
        if found is None:
            return
        self.post_message(MetricsLoaded(found))
        await self._load_vm()

    @work(exclusive=True, group="monitoring-vm")
    async def load_vm(self) -> None:
        await self._load_vm()

    async def _load_vm(self) -> None:
        vm = self.vm_id or self._first_running()
        if vm is None:
            return
        args = {"vm_id": vm, "period": self.period}
        found = await fetch(self, "monitoring.vm_metrics", args)
        if found is not None:
            self.post_message(VmMetricsLoaded(found))

    def _guests(self) -> list[Any]:
        infra = self.pxa.infra
        vms = infra.inventory.vms() if infra is not None else []
        return sorted((v for v in vms if not v.template), key=lambda v: v.id)

    def _first_running(self) -> str | None:
        guests = self._guests()
        running = [v for v in guests if v.status.value == "running"] or guests
        return running[0].id if running else None

    def on_metrics_loaded(self, message: MetricsLoaded) -> None:
        self.metrics = message.metrics
        show_body(self)
        select = self.query_one("#vm-select", Select)
        options = [(f"{v.name} ({v.id})", v.id) for v in self._guests()]
        if options != self.vm_options:
            self.vm_options = options
            with select.prevent(Select.Changed):
                select.set_options(options)
                if self.vm_id:
                    select.value = self.vm_id
        self._refresh_view()

    def on_vm_metrics_loaded(self, message: VmMetricsLoaded) -> None:
        self.vm_metrics = message.metrics
        self.vm_id = message.metrics.vm_id
        select = self.query_one("#vm-select", Select)
        if select.value != self.vm_id:
            with select.prevent(Select.Changed):
                select.value = self.vm_id
        self._show_graphs()
        self._show_period()

    def on_load_failed(self, message: LoadFailed) -> None:
        if message.operation == "monitoring.vm_metrics" and self.metrics is not None:
            for graph in self.query(MetricGraph):
                graph.clear(message.message if graph.id == "graph-cpu" else "")
            self.vm_metrics = None
        else:
            show_state(self, "error", f"Metrics could not be read: {message.message}")

    # --- what the pane shows --------------------------------------------------------------
    def _refresh_view(self) -> None:
        m = self.metrics
        if m is None:
            return
        vms = m.vms
        states = " · ".join(f"{n} {s}" for s, n in sorted(vms.items()) if s != "total")
        jobs = m.jobs
        self.query_one("#cluster-line", Label).update(
            f"guests: {states} · {vms.get('total', 0)} in all    "
            f"jobs: {jobs.get('running', 0)} running · {jobs.get('failed_24h', 0)} failed in 24 h"
        )
        refill(
            self.query_one("#nodes-table", DataTable), ((n.node, self._node(n)) for n in m.nodes)
        )
        refill(
            self.query_one("#fill-table", DataTable),
            ((f"{s.storage}@{s.node}", self._storage(s)) for s in _collapse(m.storage)),
        )
        self._show_graphs()

    def _node(self, n: Any) -> list[Any]:
        online = n.status == "online"
        disk = (
            100 * n.disk_used_gb / n.disk_total_gb if n.disk_used_gb and n.disk_total_gb else None
        )
        return [
            tint(self.app, n.node, "status-running" if online else "severity-critical"),
            bar(self.app, n.cpu_percent, 5),
            bar(self.app, n.memory_percent, 5),
            bar(self.app, disk, 5),
            f"{n.load_average:.2f}" if n.load_average is not None else "—",
            took(n.uptime_seconds) if online else tint(self.app, n.status, "severity-critical"),
        ]

    def _storage(self, s: StorageMetrics) -> list[Any]:
        if s.status not in (None, "available"):
            fill: Any = tint(self.app, s.status, "severity-critical")
        else:
            fill = bar(self.app, s.used_percent, 5)
        size = f"{s.used_gb or 0:.0f} / {s.total_gb:.0f} GiB" if s.total_gb else "—"
        return [s.storage, s.node, fill, size]

    def _show_graphs(self) -> None:
        vm = self.vm_metrics
        if vm is None:
            return
        by_name = {s.name: s for s in vm.series}
        for gid, (_, names, unit) in GRAPHS.items():
            graph = self.query_one(f"#{gid}", MetricGraph)
            series = by_name.get(names[0])
            if series is None:
                graph.clear()
                continue
            values = [p.value for p in series.points]
            graph.show(
                values, _caption(series, unit, by_name.get(names[-1]) if len(names) > 1 else None)
            )

    def _show_period(self) -> None:
        line = Text("period ", end="")
        for p in PERIODS:
            if p == self.period:
                line.append_text(tint(self.app, f"[{p}]", "primary", bold=True))
            else:
                line.append(f" {p} ")
            line.append(" ")
        line.append("  h d w m", style="dim")
        self.query_one("#period-line", Label).update(line)

    # --- keys and operations --------------------------------------------------------------
    def action_period(self, period: str) -> None:
        if period not in PERIODS:
            return
        self.period = period
        self._show_period()
        self.load_vm()

    def action_choose_vm(self) -> None:
        self.query_one("#vm-select", Select).focus()

    def action_refresh(self) -> None:
        self.reload()

    @on(Select.Changed, "#vm-select")
    def _vm_chosen(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL and event.value != self.vm_id:
            self.vm_id = str(event.value)
            self.load_vm()

    def operation_args(self, op: Operation) -> dict[str, Any] | None:
        if op.name == "monitoring.vm_metrics":
            vm = self.vm_id or self._first_running()
            return {"vm_id": vm, "period": self.period} if vm else None
        return super().operation_args(op)

    def on_operation_finished(self, message: OperationFinished) -> None:
        if message.ok:
            self.reload()


def _collapse(rows: list[StorageMetrics]) -> list[StorageMetrics]:
    """A storage every node sees alike (shared) once, as `all`; local ones per node."""
    by_storage: dict[str, list[StorageMetrics]] = {}
    for r in rows:
        by_storage.setdefault(r.storage, []).append(r)
    out = []
    for group in by_storage.values():
        same = {(r.used_gb, r.total_gb, r.status) for r in group}
        if len(group) > 1 and len(same) == 1:
            out.append(group[0].model_copy(update={"node": "all"}))
        else:
            out.extend(group)
    return out


def _caption(series: Series, unit: str, total: Series | None) -> str:
    values = [p.value for p in series.points if p.value is not None]
    if not values:
        return "no data (stopped?)"
    last, top = values[-1], max(values)
    if unit == "%":
        return f"now {last:.1f}%  max {top:.1f}%"
    if unit == "MiB":
        cap = next((p.value for p in reversed(total.points) if p.value), None) if total else None
        of = f" of {cap / 1024:.1f}" if cap else ""
        return f"now {last / 1024:.1f}{of} GiB  max {top / 1024:.1f} GiB"
    return f"now {rate(last)}  max {rate(top)}"
