"""The Storage pane: pools with a usage bar per node, and the selected pool's content."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.widgets import DataTable, Label

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


async def _storage_pane(pilot: Any) -> Any:
    await settle(pilot)
    await pilot.press("3")
    pane = pilot.app.current_pane
    await settle(pilot, lambda: pane.pools is not None and pane.content is not None)
    return pane


def _column(table: DataTable[Any], label: str) -> list[str]:
    key = next(k for k, c in table.columns.items() if str(c.label) == label)
    return [
        str(table.get_cell_at((i, list(table.columns).index(key)))) for i in range(table.row_count)
    ]


async def test_the_pane_lists_pools_with_a_usage_bar_per_node(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _storage_pane(pilot)
        table = pane.query_one("#storage-table", DataTable)
        assert _column(table, "pool") == ["local", "local-lvm", "nfs-backup", "pbs-main"]
        headers = [str(c.label) for c in table.columns.values()]
        assert headers[4:7] == ["pve1", "pve2", "pve3"]
        assert _column(table, "pve1")[1].endswith("25%")  # local-lvm on pve1
        assert _column(table, "shared") == ["local", "local", "shared", "shared"]


async def test_the_content_browser_follows_the_pool_and_filters_by_type(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _storage_pane(pilot)
        assert pane.content.storage_id == "local" and pane.content.node == "pve1"
        volumes = _column(pane.query_one("#content-table", DataTable), "volume")
        assert "iso/debian-12.8.0-amd64-netinst.iso" in volumes
        assert any(v.startswith("backup/vzdump-qemu-100") for v in volumes)

        await pilot.press("t")  # the first of local's content types: backup
        await settle(pilot, lambda: pane.content_type == "backup" and _only(pane, "backup"))
        await pilot.press("t")
        await settle(pilot, lambda: _only(pane, "iso"))
        assert "· iso ·" in str(pane.query_one("#content-title", Label).content)

        await pilot.press("down")  # local-lvm: its disk images
        await settle(pilot, lambda: pane.content.storage_id == "local-lvm")
        assert {i.content for i in pane.content.items} <= {"images", "rootdir"}
        assert pane.content.items


def _only(pane: Any, kind: str) -> bool:
    return bool(pane.content.items) and {i.content for i in pane.content.items} == {kind}
