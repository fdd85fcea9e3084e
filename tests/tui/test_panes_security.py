"""The Security pane: a scan's findings by severity and VM, scores, and fixes through the gate."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, Static, Tree

from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.models.scan import FindingOut
from pxa.tui.modals import ConfirmWrite
from pxa.tui.widgets.op_form import OperationForm
from pxa.tui.widgets.state import PaneState

from .helpers import notifications, settle

SIZE = (120, 40)
CLI = CallContext.of("cli", "test")


async def _security_pane(pilot: Any) -> Any:
    await settle(pilot)
    await pilot.press("6")
    pane = pilot.app.current_pane
    await settle(pilot, lambda: pane.loaded)
    return pane


async def _scan(infra: Infra, kind: str = "configuration") -> Any:
    accepted = await infra.call("security.scan", {"scan_type": kind}, CLI)
    await infra.jobs.wait(accepted.scan.job_id)
    return await infra.call("security.scan.get", {"scan_id": accepted.scan.id}, CLI)


async def test_a_scan_run_from_the_pane_shows_findings_by_severity_and_scores(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _security_pane(pilot)
        assert str(pane.query_one(PaneState).content).startswith("No security scan yet.")
        await pilot.press("s")
        form = app.screen
        assert isinstance(form, OperationForm) and form.raw("scan_type") == "configuration"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: pane.result is not None)

        tree = pane.query_one("#findings-tree", Tree)
        severities = [str(node.label).split(" ")[0] for node in tree.root.children]
        assert severities == ["critical", "high", "medium", "low"]
        counts = {
            s: sum(len(vm.children) for vm in n.children)
            for s, n in zip(severities, tree.root.children, strict=True)
        }
        summary = pane.result.scan.summary
        assert counts == {s: summary[s] for s in severities}
        assert str(tree.root.children[0].children[0].label) == "db-03 (vm-108)"

        scores = pane.query_one("#scores-table", DataTable)
        assert scores.row_count == summary["guests"] == 27
        worst = pane.result.scores and min(pane.result.scores, key=lambda g: g.compliance_score)
        assert str(scores.get_cell_at((0, 0))) == worst.target  # worst first

        detail = str(pane.query_one("#finding-detail", Static).content)
        assert "evidence:" in detail and "remediation:" in detail  # the first critical finding
        await settle(pilot, lambda: pane.history is not None)
        assert pane.history.vm_id == "vm-108" and len(pane.history.points) == 1


async def test_applying_a_fix_asks_through_the_confirm_modal(make_app, infra: Infra) -> None:
    result = await _scan(infra)
    fixable = next(f for f in result.findings if f.fix)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _security_pane(pilot)
        tree = pane.query_one("#findings-tree", Tree)
        await settle(pilot, lambda: _node_of(tree, fixable.id) is not None)
        tree.move_cursor(_node_of(tree, fixable.id))
        await pilot.pause()
        assert "automatic fix (x)" in str(pane.query_one("#finding-detail", Static).content)

        await pilot.press("x")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmWrite))
        assert app.screen.request.operation == "security.fix"
        await pilot.press("y")  # the fix itself is an operation, confirmed in turn
        await settle(
            pilot,
            lambda: (
                isinstance(app.screen, ConfirmWrite)
                and app.screen.request.operation == fixable.fix["operation"]
            ),
        )
        await pilot.press("y")
        await app.workers.wait_for_complete()

        toasts = await notifications(pilot)
        assert [t.title for t in toasts] == [f"security: fix {fixable.rule_id} on {fixable.target}"]
        again = await _scan(infra)
        assert not any(
            f.rule_id == fixable.rule_id and f.target == fixable.target for f in again.findings
        )


def _node_of(tree: Tree[Any], finding_id: int) -> Any:
    stack = list(tree.root.children)
    while stack:
        node = stack.pop()
        if isinstance(node.data, FindingOut) and node.data.id == finding_id:
            return node
        stack.extend(node.children)
    return None
