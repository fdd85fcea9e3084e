"""The Monitoring pane: the cluster's figures and a VM's graphs over a chosen period."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.widgets import DataTable, Label

from pxa.tui.widgets.graphs import MetricGraph

from .helpers import settle

SIZE = (120, 40)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One lab for the module: these tests only read."""
    from pxa.sandbox.server import SandboxServer

    server = SandboxServer(tmp_path_factory.mktemp("sandbox"), seed=42, speed=40.0)
    server.start()
    yield server
    server.stop()


async def _monitoring_pane(pilot: Any) -> Any:
    await settle(pilot)
    await pilot.press("7")
    pane = pilot.app.current_pane
    await settle(pilot, lambda: pane.vm_metrics is not None)
    return pane


async def test_the_pane_shows_each_node_and_the_guests_by_status(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _monitoring_pane(pilot)
        nodes = pane.query_one("#nodes-table", DataTable)
        assert [str(nodes.get_cell_at((i, 0))) for i in range(nodes.row_count)] == [
            "pve1",
            "pve2",
            "pve3",
        ]
        line = str(pane.query_one("#cluster-line", Label).content)
        assert line.startswith("guests: 23 running · 4 stopped · 27 in all")
        assert pane.vm_metrics.vm_id == "ct-200"  # the first running guest
        cpu = pane.query_one("#graph-cpu", MetricGraph)
        assert len(cpu.values) == 60 and "now" in str(cpu.query_one(".graph-title").content)


async def test_the_period_keys_switch_the_graphs(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _monitoring_pane(pilot)
        assert pane.vm_metrics.period == "1h" and _span_hours(pane) == pytest.approx(1, abs=0.1)
        await pilot.press("d")
        await settle(pilot, lambda: pane.vm_metrics.period == "24h")
        assert _span_hours(pane) == pytest.approx(24, abs=1)
        assert "[24h]" in str(pane.query_one("#period-line", Label).content)
        await pilot.press("m")
        await settle(pilot, lambda: pane.vm_metrics.period == "30d")
        assert _span_hours(pane) == pytest.approx(30 * 24, rel=0.05)


def test_each_period_key_has_an_id() -> None:
    from pxa.tui.panes.monitoring import MonitoringPane

    keys = {b.id: b.key for b in MonitoringPane.BINDINGS}
    assert {k: keys[f"monitoring-period-{k}"] for k in ("1h", "24h", "7d", "30d")} == {
        "1h": "h",
        "24h": "d",
        "7d": "w",
        "30d": "m",
    }


def _span_hours(pane: Any) -> float:
    points = pane.vm_metrics.series[0].points
    return (points[-1].t - points[0].t).total_seconds() / 3600
