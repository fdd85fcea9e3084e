"""The Networks pane: SDN VLANs and node bridges, their rules, and the create form's errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static

from pxa.tui.modals import ConfirmWrite
from pxa.tui.widgets.op_form import OperationForm

from .helpers import settle

SIZE = (120, 40)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One lab for the module: nothing here changes it (a refused create writes nothing)."""
    from pxa.sandbox.server import SandboxServer

    server = SandboxServer(tmp_path_factory.mktemp("sandbox"), seed=42, speed=40.0)
    server.start()
    yield server
    server.stop()


async def _networks_pane(pilot: Any) -> Any:
    app = pilot.app
    await settle(pilot)
    await pilot.press("2")
    pane = app.current_pane
    await settle(pilot, lambda: pane.networks is not None)
    return pane


def _rows(table: DataTable[Any]) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_the_pane_lists_vlans_and_bridges_with_the_rules_of_the_selected_one(
    make_app,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _networks_pane(pilot)
        rows = {r[0]: r for r in _rows(pane.query_one("#networks-table", DataTable))}
        assert rows["Production"][1:4] == ["vlan", "10", "192.168.10.0/24"]
        assert rows["Production"][6] == "2"  # two firewall rules
        bridges = [
            r for r in _rows(pane.query_one("#networks-table", DataTable)) if r[0] == "vmbr0"
        ]
        assert {r[1] for r in bridges} == {"bridge pve1", "bridge pve2", "bridge pve3"}

        table = pane.query_one("#networks-table", DataTable)
        table.move_cursor(row=table.get_row_index("net-prod"))
        await pilot.pause()
        rules = _rows(pane.query_one("#rules-table", DataTable))
        assert [r[1] for r in rules] == ["deny", "allow"]
        assert rules[0][4] == "192.168.40.0/24"
        detail = str(pane.query_one("#network-detail", Static).content)
        assert "Production (net-prod)" in detail and "web-server-01 (vm-100)" in detail


async def test_creating_a_network_shows_the_cores_error_under_the_gateway(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _networks_pane(pilot)
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, OperationForm)
        values = {"name": "lab", "vlan_id": "60", "subnet": "192.168.60.0/24"}
        for name, value in {**values, "gateway": "192.168.61.1"}.items():
            form.query_one(f"#input-{name}", Input).value = value
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmWrite))
        await pilot.press("y")
        await settle(pilot, lambda: app.screen is form and form.errors.fields)

        error = form.query_one("#field-gateway .field-error", Static)
        assert str(error.content) == "gateway 192.168.61.1 is outside 192.168.60.0/24"
        assert form.query_one("#field-gateway").has_class("-invalid")
        assert form.focused is form.query_one("#input-gateway")
        assert "lab" not in {n.name for n in pane.networks.values()}


async def test_network_create_in_the_palette_opens_the_form(make_app) -> None:
    from textual.command import CommandPalette

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _networks_pane(pilot)
        await pilot.press("ctrl+p")
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        palette.query_one(Input).value = "network: create"
        await palette.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, OperationForm))
        assert app.screen.operation == "network.create"
