"""The Security pane: the latest scan's findings by severity and VM, per-VM scores, and fixes.

`security.scan.list` names the latest scan and `security.scan.get` reads it. `s` runs a new
scan (a form: which type, which targets); its job ends with `ScanCompleted`, and the pane
reads the new results. The selected finding shows its evidence and remediation; `x`
applies its automatic fix through the core's gate (a confirmation, then the fix's own
operation, confirmed in turn). The selected VM's score over past scans is drawn below.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, Static, Tree
from textual.widgets.tree import TreeNode

from pxa.models.scan import FindingOut, ScanResult, ScoreHistory
from pxa.tui.keys import op_binding
from pxa.tui.messages import JobCompleted, ScanCompleted
from pxa.tui.ops import OperationFinished
from pxa.tui.panes.base import Pane
from pxa.tui.widgets.graphs import MetricGraph
from pxa.tui.widgets.op_form import OperationForm
from pxa.tui.widgets.pane_forms import scan_fields
from pxa.tui.widgets.pane_kit import (
    LoadFailed,
    fetch,
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

SEVERITIES = ("critical", "high", "medium", "low")
SCORE_COLUMNS = ("VM", "name", "score", "crit", "high", "med", "low")
EMPTY = "No security scan yet.\nPress s to scan every guest's configuration."


def score_variable(score: int) -> str:
    if score >= 90:
        return "status-running"
    if score >= 70:
        return "severity-medium"
    if score >= 50:
        return "severity-high"
    return "severity-critical"


class ScanLoaded(Message):
    def __init__(self, result: ScanResult | None) -> None:
        super().__init__()
        self.result = result


class HistoryLoaded(Message):
    def __init__(self, history: ScoreHistory) -> None:
        super().__init__()
        self.history = history


class SecurityPane(Pane):
    pane_id = "security"
    title = "Security"
    areas = ("security",)
    forms: ClassVar[frozenset[str]] = frozenset({"security.scan"})  # opens a form first
    BINDINGS: ClassVar[list[BindingType]] = [
        op_binding("s", "security.scan", "scan"),
        op_binding("x", "security.fix", "fix"),
        Binding("r", "refresh", "refresh", id="security-refresh"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.result: ScanResult | None = None
        self.loaded = False
        self.history: ScoreHistory | None = None
        self.running_scan: str | None = None

    def compose(self) -> ComposeResult:
        yield PaneState()
        with Vertical(classes="pane-body"):
            yield Label("", id="scan-title", classes="section-title")
            with Horizontal(id="security-main"):
                tree: Tree[Any] = Tree("findings", id="findings-tree")
                tree.show_root = False
                yield tree
                scores: DataTable[Any] = DataTable(cursor_type="row", id="scores-table")
                scores.add_columns(*SCORE_COLUMNS)
                yield scores
            with Horizontal(classes="detail-row"):
                yield Static("", id="finding-detail", classes="detail")
                with Vertical(classes="side"):
                    yield MetricGraph("score history", id="score-history")
                    yield Static("", id="history-lines", classes="hint")

    def on_mount(self) -> None:
        self.query_one(".pane-body").display = False
        self.app.theme_changed_signal.subscribe(self, lambda _: self._refresh_view())

    def focus_target(self) -> Tree[Any]:
        return self.query_one("#findings-tree", Tree)

    @property
    def finding(self) -> FindingOut | None:
        node = self.focus_target().cursor_node
        return node.data if node is not None and isinstance(node.data, FindingOut) else None

    def selected_vm(self) -> str | None:
        """The VM of the finding or VM node in the tree, else the VM row of the scores."""
        scores = self.query_one("#scores-table", DataTable)
        if scores.has_focus:
            return selected_key(scores)
        node = self.focus_target().cursor_node
        if node is not None and isinstance(node.data, FindingOut):
            return node.data.target
        if node is not None and isinstance(node.data, str):
            return node.data
        return selected_key(scores)

    # --- loading --------------------------------------------------------------------------
    async def load(self) -> None:
        scans = await fetch(self, "security.scan.list", {"limit": 5})
        if scans is None:
            return
        done = [s for s in scans.scans if s.status != "running"]
        result = None
        if done:
            result = await fetch(self, "security.scan.get", {"scan_id": done[0].id})
            if result is None:
                return
        self.post_message(ScanLoaded(result))

    @work(exclusive=True, group="security-history")
    async def load_history(self, vm_id: str) -> None:
        if vm_id.startswith(("vm-", "ct-")):
            found = await fetch(self, "security.history", {"vm_id": vm_id})
            if found is not None:
                self.post_message(HistoryLoaded(found))

    def on_scan_loaded(self, message: ScanLoaded) -> None:
        self.loaded = True
        self.result = message.result
        if message.result is None:
            if self.running_scan:
                show_state(self, "loading", "Scanning…")
            else:
                show_state(self, "empty", EMPTY)
            return
        show_body(self)
        self._refresh_view()

    def on_history_loaded(self, message: HistoryLoaded) -> None:
        self.history = message.history
        self._show_history()

    def on_load_failed(self, message: LoadFailed) -> None:
        if message.operation == "security.history":
            self.query_one("#history-lines", Static).update(message.message)
        else:
            show_state(self, "error", f"Scans could not be read: {message.message}")

    # --- what the pane shows --------------------------------------------------------------
    def _refresh_view(self) -> None:
        r = self.result
        if r is None:
            return
        s = r.scan
        summary = s.summary or {}
        title = (
            f"{s.type} scan · {s.status} {stamp(s.finished_at or s.started_at)} · "
            f"{summary.get('findings', len(r.findings))} findings on "
            f"{summary.get('guests', len(r.scores))} guests · "
            f"average score {summary.get('average_score', '—')}"
        )
        if self.running_scan:
            title += " · a new scan is running…"
        self.query_one("#scan-title", Label).update(title)
        self._fill_tree(r.findings)
        rows = [(g.target, self._score_cells(g)) for g in sorted(r.scores, key=_worst_first)]
        refill(self.query_one("#scores-table", DataTable), rows)
        self._show_finding()

    def _fill_tree(self, findings: list[FindingOut]) -> None:
        tree = self.focus_target()
        current = self.finding.id if self.finding else None
        tree.clear()
        grouped: dict[str, dict[str, list[FindingOut]]] = defaultdict(lambda: defaultdict(list))
        for f in findings:
            grouped[f.severity][f.target].append(f)
        again = None
        for severity in SEVERITIES:
            by_vm = grouped.get(severity)
            if not by_vm:
                continue
            count = sum(len(v) for v in by_vm.values())
            label = tint(self.app, f"{severity} ({count})", f"severity-{severity}", bold=True)
            branch = tree.root.add(label, data=None, expand=severity in ("critical", "high"))
            for target, items in sorted(by_vm.items()):
                name = items[0].target_name
                vm_label = Text(f"{name} ({target})" if name else target)
                vm = branch.add(vm_label, data=target, expand=True)
                for f in items:
                    mark = " · fix" if f.fix else ""
                    leaf = vm.add_leaf(Text(f"{f.title}{mark}"), data=f)
                    if f.id == current:
                        again = leaf
        first = again or _first_leaf(tree.root)
        if first is not None:
            tree.call_after_refresh(tree.move_cursor, first)

    def _score_cells(self, g: Any) -> list[Any]:
        counts = [str(g.vulnerabilities.get(s, 0) or "") for s in SEVERITIES]
        return [
            g.target,
            g.name or "—",
            tint(self.app, f"{g.compliance_score:3d}", score_variable(g.compliance_score)),
            *counts,
        ]

    @on(Tree.NodeHighlighted, "#findings-tree")
    def _node_highlighted(self) -> None:
        self._show_finding()

    @on(DataTable.RowHighlighted, "#scores-table")
    def _score_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.query_one("#scores-table").has_focus and event.row_key.value:
            self.load_history(event.row_key.value)

    def _show_finding(self) -> None:
        f = self.finding
        detail = self.query_one("#finding-detail", Static)
        if f is None:
            detail.update("Select a finding for its evidence and remediation.")
        else:
            detail.update(self._detail(f))
        vm = self.selected_vm()
        if vm and (self.history is None or self.history.vm_id != vm):
            self.load_history(vm)

    def _detail(self, f: FindingOut) -> Text:
        text = Text(end="")
        text.append_text(status_text(self.app, f.severity))
        text.append(f" {f.rule_id} ", style="bold")
        text.append(f"{f.title}\n", style="bold")
        text.append(f"on {f.target_name or f.target} ({f.target})\n")
        text.append("evidence: ", style="bold")
        text.append(f"{f.evidence}\n")
        text.append("remediation: ", style="bold")
        text.append(f"{f.remediation}\n")
        refs = ", ".join([*f.cis, *f.soc2])
        if refs:
            text.append(f"{refs}\n")
        if f.fix:
            text.append("automatic fix (x): ", style="bold")
            text.append(str(f.fix.get("summary") or f.fix.get("operation")))
        return text

    def _show_history(self) -> None:
        h = self.history
        graph = self.query_one("#score-history", MetricGraph)
        lines = self.query_one("#history-lines", Static)
        if h is None or not h.points:
            graph.show([], "no scans of this VM yet")
            lines.update("")
            return
        name = self._name_of(h.vm_id)
        points = h.points
        last = points[-1]
        graph.show(
            [p.compliance_score for p in points],
            f"of {name}: {last.compliance_score} now, {len(points)} scan"
            f"{'s' if len(points) != 1 else ''}",
        )
        lines.update(
            "  ".join(f"{stamp(p.at)} {p.compliance_score}" for p in points[-3:]),
        )

    def _name_of(self, vm_id: str) -> str:
        for g in self.result.scores if self.result else []:
            if g.target == vm_id and g.name:
                return g.name
        return vm_id

    # --- keys, forms and operations -------------------------------------------------------
    def action_refresh(self) -> None:
        self.reload()

    def operation_args(self, op: Operation) -> dict[str, Any] | None:
        if op.name == "security.fix":
            return {"finding_id": self.finding.id} if self.finding else None
        if op.name == "security.history":
            vm = self.selected_vm()
            return {"vm_id": vm} if vm else None
        if op.name == "security.scan.get":
            return {"scan_id": self.result.scan.id} if self.result else None
        return super().operation_args(op)

    def run_palette_operation(self, op: Operation) -> None:
        if op.name == "security.scan":
            self.app.push_screen(
                OperationForm(
                    op.name,
                    scan_fields(),
                    title="security: scan",
                    requester=self,
                    submit_label="Scan",
                    note="Scans read configuration through the Proxmox API only.",
                )
            )
            return
        f = self.finding
        if op.name == "security.fix" and f is not None and not f.fix:
            self.notify(
                f"{f.rule_id} has no automatic fix: {f.remediation}",
                title="security: fix",
                severity="warning",
                markup=False,
            )
            return
        super().run_palette_operation(op)

    def on_operation_finished(self, message: OperationFinished) -> None:
        if not message.ok:
            return
        if message.name == "security.scan":
            self.running_scan = message.result.scan.id
            self._refresh_view()
            if self.result is None:
                show_state(self, "loading", "Scanning…")
        elif message.name == "security.fix":
            message.prevent_default()
            fix = message.result.fix or {}
            self.notify(
                f"{fix.get('summary') or 'fix applied'}: scan again (s) to see the new score",
                title=f"security: fix {message.result.rule_id} on {message.result.target}",
                markup=False,
            )
        else:
            self.reload()

    def on_scan_completed(self, message: ScanCompleted) -> None:
        self.running_scan = None
        self.reload()

    def on_job_completed(self, message: JobCompleted) -> None:
        if message.job.type == "security_scan" and message.job.status.value != "completed":
            self.running_scan = None
            self.reload()


def _first_leaf(node: TreeNode[Any]) -> TreeNode[Any] | None:
    for child in node.children:
        if isinstance(child.data, FindingOut):
            return child
        found = _first_leaf(child)
        if found is not None:
            return found
    return None


def _worst_first(g: Any) -> tuple[int, str]:
    return (g.compliance_score, g.target)
