"""VmDetailPanel: the VM under the VMs pane's cursor, beside the table.

Configuration, disks, NICs, live CPU/memory/network sparklines (`monitoring.vm_metrics`,
1h), snapshots, the last backups, security (score, counts, the latest findings) and the
VM's recent jobs. The pane loads a `VmDetailData` in a worker and hands it to `show`;
the panel only draws. Colours are component classes, styled in pxa.tcss.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Sparkline, Static

from pxa.models.backup import Backup
from pxa.models.job import Job
from pxa.models.monitoring import VmMetrics
from pxa.models.scan import FindingOut
from pxa.models.vm import Vm, VmDetail
from pxa.tui.widgets.vm_rows import uptime_text
from pxa.tui.widgets.vm_table import own_style

SEVERITIES = ("critical", "high", "medium", "low")


@dataclass
class VmDetailData:
    """What the pane's detail worker fetched for one VM; a section that failed is in errors."""

    vm_id: str
    detail: VmDetail | None = None
    metrics: VmMetrics | None = None
    backups: list[Backup] | None = None
    jobs: list[Job] | None = None
    findings: list[FindingOut] | None = None
    errors: dict[str, str] = field(default_factory=dict)


def _series(metrics: VmMetrics | None, name: str) -> list[float | None]:
    for series in metrics.series if metrics else []:
        if series.name == name:
            return [p.value for p in series.points]
    return []


def _last(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return known[-1] if known else None


def _rate(value: float | None) -> str:
    if value is None:
        return "—"
    for unit in ("B/s", "KB/s", "MB/s"):
        if value < 1000:
            return f"{value:.0f} {unit}"
        value /= 1000
    return f"{value:.1f} GB/s"


def sparkline_values(data: VmDetailData) -> dict[str, tuple[list[float], str]]:
    """cpu, memory and network: the points to draw and the latest value as text."""
    cpu = _series(data.metrics, "cpu")
    used, total = _series(data.metrics, "memory"), _series(data.metrics, "memory_total")
    mem = [u / t * 100 if u is not None and t else None for u, t in zip(used, total, strict=False)]
    rx, tx = _series(data.metrics, "network_in"), _series(data.metrics, "network_out")
    net = [
        (a or 0.0) + (b or 0.0) if a is not None or b is not None else None
        for a, b in zip(rx, tx, strict=False)
    ]
    last_cpu, last_mem = _last(cpu), _last(mem)
    return {
        "cpu": ([v or 0.0 for v in cpu], "—" if last_cpu is None else f"{last_cpu:.0f}%"),
        "memory": ([v or 0.0 for v in mem], "—" if last_mem is None else f"{last_mem:.0f}%"),
        "network": (
            [v or 0.0 for v in net],
            f"↓{_rate(_last(rx))} ↑{_rate(_last(tx))}" if _last(net) is not None else "—",
        ),
    }


class VmDetailPanel(VerticalScroll, can_focus=False):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "vm-detail--section",
        "vm-detail--muted",
        "vm-detail--error",
        "vm-detail--running",
        "vm-detail--stopped",
        "vm-detail--paused",
        "vm-detail--creating",
        "vm-detail--unknown",
        "vm-detail--critical",
        "vm-detail--high",
        "vm-detail--medium",
        "vm-detail--low",
        "vm-detail--good",
    }
    SECTIONS: ClassVar[tuple[str, ...]] = (
        "config",
        "disks",
        "nics",
        "snapshots",
        "backups",
        "security",
        "jobs",
    )

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.vm: Vm | None = None
        self.data: VmDetailData | None = None
        self.loading_text: str | None = None

    @property
    def vm_id(self) -> str | None:
        return self.data.vm_id if self.data else None

    def compose(self) -> ComposeResult:
        yield Static(id="vmd-title", markup=False)
        yield Static(id="vmd-config", markup=False)
        with Horizontal(classes="vmd-spark", id="vmd-cpu"):
            yield Static("cpu", classes="vmd-spark-label")
            yield Sparkline([])
            yield Static("", classes="vmd-spark-value", markup=False)
        with Horizontal(classes="vmd-spark", id="vmd-memory"):
            yield Static("mem", classes="vmd-spark-label")
            yield Sparkline([])
            yield Static("", classes="vmd-spark-value", markup=False)
        with Horizontal(classes="vmd-spark", id="vmd-network"):
            yield Static("net", classes="vmd-spark-label")
            yield Sparkline([])
            yield Static("", classes="vmd-spark-value", markup=False)
        for section in self.SECTIONS[1:]:
            yield Static(id=f"vmd-{section}", markup=False)

    def on_mount(self) -> None:
        self.border_title = "detail"
        self._draw()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:
            self.call_later(self._draw)

    # --- what the pane calls --------------------------------------------------------------
    def show_row(self, vm: Vm | None) -> None:
        """The cursor moved: show what the list knows at once, the rest is loading."""
        self.vm = vm
        if vm is None or self.vm_id != vm.id:
            self.data = None
        self.loading_text = None if vm is None else "loading…"
        self._draw()

    def refresh_row(self, vm: Vm) -> None:
        """The same VM, its list row refreshed (status, lock)."""
        if self.vm is not None and self.vm.id == vm.id and self.vm != vm:
            self.vm = vm
            self._draw()

    def show(self, data: VmDetailData) -> None:
        if self.vm is not None and self.vm.id != data.vm_id:
            return  # the cursor has moved on since
        self.data, self.loading_text = data, None
        self._draw()

    # --- drawing --------------------------------------------------------------------------
    def _style(self, name: str) -> Style:
        return own_style(self, f"vm-detail--{name}")

    def _set(self, section: str, text: Text | str) -> None:
        self.query_one(f"#vmd-{section}", Static).update(text)

    def _draw(self) -> None:
        vm, data = self.vm, self.data
        detail = data.detail if data else None
        for spark in self.query(".vmd-spark"):
            spark.display = data is not None and data.metrics is not None
        if vm is None:
            self._set("title", Text("no VM selected", self._style("muted")))
            for section in self.SECTIONS:
                self._set(section, "")
            return
        status = vm.status.value
        title = Text.assemble(
            (vm.name, Style(bold=True)),
            (f"  {vm.id}  ", self._style("muted")),
            (status, self._style(status)),
        )
        if vm.lock:
            title.append(f"  lock: {vm.lock}", self._style("paused"))
        self._set("title", title)
        if data is None:
            self._set("config", Text(self.loading_text or "", self._style("muted")))
            for section in self.SECTIONS[1:]:
                self._set(section, "")
            return
        if detail is None:
            message = data.errors.get("detail", "could not be read")
            self._set("config", Text(message, self._style("error")))
            for section in self.SECTIONS[1:]:
                self._set(section, "")
            return
        self._set("config", self._config(vm, detail))
        self._set("disks", self._disks(detail))
        self._set("nics", self._nics(detail))
        self._sparklines(data)
        self._set("snapshots", self._snapshots(detail))
        self._set("backups", self._backups(detail, data))
        self._set("security", self._security(detail, data))
        self._set("jobs", self._jobs(data))

    def _heading(self, title: str) -> Text:
        return Text().append(title, self._style("section")).append("\n")

    def _config(self, vm: Vm, d: VmDetail) -> Text:
        c = d.configuration
        text = self._heading("configuration")
        cores = f"{c.cpu_cores or '?'} cores" + (
            f" × {c.cpu_sockets}" if (c.cpu_sockets or 1) > 1 else ""
        )
        memory = f"{c.memory_mb} MB" if c.memory_mb is not None else "? MB"
        text.append(f"{d.type} on {d.node} · {cores} · {memory}\n")
        facts = [c.os_type or "os ?", f"agent {'on' if c.agent_enabled else 'off'}"]
        if c.protection:
            facts.append("protected")
        if d.environment:
            facts.append(d.environment)
        text.append(" · ".join(facts))
        up = uptime_text(d.performance.uptime_seconds)
        if up:
            text.append(f" · up {up}")
        if d.tags:
            text.append("\ntags ", self._style("muted")).append(", ".join(d.tags))
        if d.description:
            first = d.description.strip().splitlines()[0] if d.description.strip() else ""
            if first:
                text.append("\n" + first, self._style("muted"))
        return text

    def _disks(self, d: VmDetail) -> Text:
        text = self._heading("disks")
        disks = d.configuration.storage
        if not disks:
            return text.append("none", self._style("muted"))
        lines = []
        for disk in disks:
            size = f"{disk.size_gb:g} GB" if disk.size_gb is not None else ""
            parts = [disk.disk_id.ljust(7), size.rjust(7), disk.type or "", disk.storage or ""]
            lines.append("  ".join(p for p in parts if p))
        return text.append("\n".join(lines))

    def _nics(self, d: VmDetail) -> Text:
        text = self._heading("network")
        nics = d.configuration.network
        if not nics:
            return text.append("no NICs", self._style("muted"))
        for i, nic in enumerate(nics):
            vlan = f"VLAN {nic.vlan_id}" if nic.vlan_id else "untagged"
            ip = nic.ip_address or "dhcp/unknown"
            if nic.ip_address and nic.subnet and "/" in nic.subnet:
                ip += "/" + nic.subnet.rsplit("/", 1)[1]
            text.append(f"{nic.interface}  {nic.bridge or '?'}  {vlan}  ")
            text.append(
                "fw on" if nic.firewall else "fw off",
                self._style("good" if nic.firewall else "high"),
            )
            text.append(f"  {ip}")
            if i < len(nics) - 1:
                text.append("\n")
        return text

    def _sparklines(self, data: VmDetailData) -> None:
        for name, (points, value) in sparkline_values(data).items():
            box = self.query_one(f"#vmd-{name}")
            box.query_one(Sparkline).data = points
            box.query_one(".vmd-spark-value", Static).update(value)

    def _snapshots(self, d: VmDetail) -> Text:
        text = self._heading(f"snapshots ({len(d.snapshots)})")
        if not d.snapshots:
            return text.append("none", self._style("muted"))
        lines = []
        for snap in d.snapshots[-4:]:
            when = snap.created_at.strftime("%Y-%m-%d") if snap.created_at else ""
            lines.append(f"{snap.name}  {when}  {snap.description or ''}".rstrip())
        return text.append("\n".join(lines))

    def _backups(self, d: VmDetail, data: VmDetailData) -> Text:
        text = self._heading("backups")
        b = d.backup
        if b.enabled:
            keep = f", keep {b.retention_days}d" if b.retention_days else ""
            text.append(f"scheduled {b.schedule or '?'}{keep}\n", self._style("muted"))
        if "backups" in data.errors:
            return text.append(data.errors["backups"], self._style("error"))
        if not data.backups:
            return text.append("none", self._style("muted"))
        lines = []
        for backup in data.backups[:3]:
            when = backup.created_at.strftime("%Y-%m-%d %H:%M") if backup.created_at else "?"
            size = f"{backup.size_gb:g} GB" if backup.size_gb is not None else ""
            lines.append(f"{when}  {size}  {backup.storage}".rstrip())
        return text.append("\n".join(lines))

    def _security(self, d: VmDetail, data: VmDetailData) -> Text:
        text = self._heading("security")
        s = d.security
        firewall = {True: "firewall on", False: "firewall off", None: "firewall ?"}[
            s.firewall_enabled
        ]
        text.append(firewall, self._style("good" if s.firewall_enabled else "high"))
        if s.ssh_key_auth is not None:
            text.append(f" · ssh keys {'yes' if s.ssh_key_auth else 'no'}")
        if s.compliance_score is None:
            text.append("\nnot scanned yet", self._style("muted"))
        else:
            text.append(f"\nscore {s.compliance_score}  ")
            counts = s.vulnerabilities.model_dump() if s.vulnerabilities else {}
            for severity in SEVERITIES:
                count = counts.get(severity, 0)
                style = self._style(severity) if count else self._style("muted")
                text.append(f"{severity[0].upper()}{count} ", style)
        for finding in (data.findings or [])[:4]:
            text.append("\n")
            text.append(f"{finding.severity:<8}", self._style(finding.severity))
            text.append(finding.title)
        return text

    def _jobs(self, data: VmDetailData) -> Text:
        text = self._heading("recent jobs")
        if "jobs" in data.errors:
            return text.append(data.errors["jobs"], self._style("error"))
        if not data.jobs:
            return text.append("none", self._style("muted"))
        lines = []
        for job in data.jobs[:4]:
            when = job.created_at.strftime("%m-%d %H:%M")
            lines.append(f"{when}  {job.type}  {job.status.value}")
        return text.append("\n".join(lines))
