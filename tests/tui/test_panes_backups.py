"""The Backups pane: archives across storages, the VM filter, schedules and coverage."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.widgets import DataTable, Input

from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.tui.modals import ConfirmDestructive

from .helpers import notifications, settle

SIZE = (120, 40)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One lab for the module: these tests only read (a refused delete changes nothing)."""
    from pxa.sandbox.server import SandboxServer

    server = SandboxServer(tmp_path_factory.mktemp("sandbox"), seed=42, speed=40.0)
    server.start()
    yield server
    server.stop()


async def _backups_pane(pilot: Any) -> Any:
    await settle(pilot)
    await pilot.press("4")
    pane = pilot.app.current_pane
    await settle(pilot, lambda: pane.loaded is not None)
    return pane


def _keys(table: DataTable[Any]) -> list[str]:
    return [str(row.key.value) for row in table.ordered_rows]


async def test_the_pane_lists_every_backup_and_filters_by_vm(make_app, infra: Infra) -> None:
    every = await infra.call("backup.list", {"limit": 200}, CallContext.of("cli"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _backups_pane(pilot)
        table = pane.query_one("#backups-table", DataTable)
        assert table.row_count == every.total > 200  # all pages, not only the first
        assert {b.storage for b in pane.backups.values()} >= {"local", "pbs-main", "nfs-backup"}

        await pilot.press("f")
        assert app.focused is pane.query_one("#backups-filter", Input)
        pane.query_one("#backups-filter", Input).value = "web-server-01"
        await pilot.pause()
        shown = [pane.backups[k] for k in _keys(table)]
        assert shown and {b.vm_id for b in shown} == {"vm-100"}
        await pilot.press("escape")
        assert table.row_count == every.total and app.focused is table


async def test_coverage_lists_the_guests_no_schedule_backs_up(make_app, infra: Infra) -> None:
    coverage = await infra.call("backup.coverage", {}, CallContext.of("cli"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _backups_pane(pilot)
        cover = pane.query_one("#coverage-table", DataTable)
        assert _keys(cover) == coverage.uncovered
        assert str(cover.get_cell_at((_keys(cover).index("vm-108"), 1))) == "db-03"
        assert str(pane.query_one("#coverage-title").content).endswith(
            f"({len(coverage.uncovered)})"
        )
        schedules = pane.query_one("#schedules-table", DataTable)
        assert [str(schedules.get_cell_at((i, 0))) for i in range(2)] == ["02:00", "sat 03:00"]


async def test_deleting_a_protected_backup_is_refused_with_the_cores_message(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _backups_pane(pilot)
        protected = next(b for b in pane.backups.values() if b.protected)
        table = pane.query_one("#backups-table", DataTable)
        table.move_cursor(row=table.get_row_index(protected.id))
        await pilot.press("d")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDestructive))
        app.screen.query_one(Input).value = protected.id  # the name typed back
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        (toast,) = await notifications(pilot)
        assert toast.severity == "error" and toast.title == "backup: delete"
        assert (
            toast.message == f"backup {protected.volid} is protected: remove the protection first"
        )
        assert protected.id in pane.backups
