"""Every operation of the six panes' areas runs from the palette ("area: action"): with the
pane's selection as its arguments, or through the form it opens first."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable

from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.tui.widgets.op_form import OperationForm

from .helpers import settle

SIZE = (120, 40)
CLI = CallContext.of("cli", "test")
READY = {
    "2": lambda pane: pane.networks is not None,
    "3": lambda pane: pane.content is not None,
    "4": lambda pane: pane.loaded is not None,
    "5": lambda pane: pane.shown is not None,
    "6": lambda pane: pane.result is not None,
    "7": lambda pane: pane.vm_metrics is not None,
}


async def test_each_operation_gets_its_arguments_or_opens_its_form(make_app, infra: Infra) -> None:
    started = await infra.call("vm.start", {"vm_id": "vm-102"}, CLI)
    await infra.jobs.wait(started.job_id)
    scan = await infra.call("security.scan", {}, CLI)
    await infra.jobs.wait(scan.scan.job_id)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for number, ready in READY.items():
            await pilot.press(number)
            pane: Any = app.current_pane
            await settle(pilot, lambda pane=pane, ready=ready: ready(pane))
            if pane.pane_id == "networks":  # a network with rules
                table = pane.query_one("#networks-table", DataTable)
                table.move_cursor(row=table.get_row_index("net-prod"))
                await pilot.pause()
            ops = [op for op in app.catalogue.values() if op.area in pane.areas]
            assert ops, pane.pane_id
            for op in ops:
                if op.name not in pane.forms:
                    assert pane.operation_args(op) is not None, op.name
                    continue
                pane.run_palette_operation(op)
                await pilot.pause()
                assert isinstance(app.screen, OperationForm), op.name
                assert app.screen.operation == op.name
                await pilot.press("escape")
