"""The VMs pane over a real sandbox (seed 42): table, filters, sort, marks, actions, forms."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support import make_infra
from textual.color import Color
from textual.widgets import Input, Static

from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.models.job import JobQuery, JobStatus
from pxa.tui.modals import ConfirmDestructive, ConfirmWrite
from pxa.tui.panes.vms import VmsPane
from pxa.tui.widgets.vm_create_form import VmCreateScreen

from .helpers import freeze_clock, notifications, pane_settled, settle, tui_settings

SIZE = (120, 40)
ROOT = Path(__file__).resolve().parents[2]
LAB_VMS = 27  # the seed-42 lab: 30 guests, 3 of them templates (not listed)


def _pane(app: Any) -> VmsPane:
    return app.panes["vms"]  # type: ignore[no-any-return]


async def _ready(pilot: Any) -> VmsPane:
    pane = _pane(pilot.app)
    await settle(pilot, lambda: pane_settled(pane))
    return pane


def _names(pane: VmsPane) -> list[str]:
    rows = pane.table.rows
    return [rows.vms[i].name for i in rows.order]


async def _cursor_to(pilot: Any, name: str) -> None:
    pane = _pane(pilot.app)
    pane.table.move_cursor_to(_names(pane).index(name))
    await settle(pilot, lambda: pane_settled(pane))


async def _ops_done(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete([w for w in pilot.app.workers if w.group == "ops"])
    await pilot.pause()


def _line(pane: VmsPane, vm_id: str) -> str:
    y = pane.table.rows.position(vm_id)
    assert y is not None
    strip = pane.table.render_line(y + 1 - round(pane.table.scroll_offset.y))
    return strip.text


async def test_the_table_lists_the_labs_vms_with_their_status_in_theme_colours(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _ready(pilot)
        assert len(pane.table.rows.order) == LAB_VMS
        assert _names(pane)[:3] == ["app-server-01", "app-server-02", "app-server-03"]
        line = _line(pane, "vm-102")
        assert "web-server-03" in line and "○ stopped" in line and "192.168.30.244" in line
        y = pane.table.rows.position("vm-100")
        assert y is not None
        strip = pane.table.render_line(y + 1)
        (status,) = [s for s in strip if s.text.startswith("● running")]
        running = Color.parse(app.theme_variables["status-running"]).rich_color
        assert status.style is not None and status.style.color == running
        assert str(app.query_one("#vms-status", Static).content) == "27 VMs · sort name ▲"


async def test_typing_a_filter_narrows_the_rows_as_you_type(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _ready(pilot)
        await pilot.press("slash", *"we")
        assert app.focused is app.query_one("#vms-filter", Input)
        assert _names(pane) == ["web-server-01", "web-server-02", "web-server-03"]
        await pilot.press("b", "-", "0", "3")
        assert _names(pane) == []
        await pilot.press(*["backspace"] * 6, *"192.168.20.")
        assert _names(pane) == ["cache-01", "db-01", "db-02"]
        await pilot.press("enter")
        assert app.focused is pane
        status = str(app.query_one("#vms-status", Static).content)
        assert status.startswith("3 of 27 VMs · filter '192.168.20.'")
        await pilot.press("escape")
        assert len(pane.table.rows.order) == LAB_VMS


async def test_the_status_quick_filter_cycles_running_stopped_all(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _ready(pilot)
        await pilot.press("r")
        running = [pane.table.rows.vms[i] for i in pane.table.rows.order]
        assert running and all(v.status.value == "running" for v in running)
        await pilot.press("r")
        assert _names(pane) == ["backup-01", "db-03", "pihole-01", "web-server-03"]
        await pilot.press("e")  # and the environment quick filter: production
        assert _names(pane) == ["backup-01"]
        await pilot.press("r", "e", "e", "e")
        assert len(pane.table.rows.order) == LAB_VMS


async def test_sort_flips_and_cycles_the_column(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _ready(pilot)
        await pilot.press("O")
        assert _names(pane)[0] == "web-server-03"
        assert pane.table.render_line(0).text.lstrip().startswith("name ▼")
        await pilot.press("o")  # the next column: id, ascending
        vmids = [pane.table.rows.vms[i].vmid for i in pane.table.rows.order]
        assert vmids == sorted(vmids)
        assert pane.table.rows.query.sort == "id" and not pane.table.rows.query.descending


async def test_marking_two_rows_and_starting_them_runs_two_jobs(make_app, infra: Infra) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _ready(pilot)
        await pilot.press("r", "r")  # stopped VMs: backup-01, db-03, pihole-01, web-server-03
        await pilot.press("space", "space")
        assert pane.table.marks == {"vm-123", "vm-108"}
        assert _line(pane, "vm-123").lstrip().startswith("✓ backup-01")
        await pilot.press("s")
        for _ in range(2):
            await settle(pilot, lambda: isinstance(app.screen, ConfirmWrite))
            await pilot.press("y")
        await _ops_done(pilot)
        jobs = infra.jobs.list(JobQuery(type="vm_start")).jobs
        assert sorted(j.target or "" for j in jobs) == ["vm-108", "vm-123"]
        for job in jobs:
            assert (await infra.jobs.wait(job.id)).status is JobStatus.completed
        await settle(pilot, lambda: pane.table.rows.vms["vm-123"].status.value == "running")
        assert pane.table.marks == {"vm-123", "vm-108"}  # marks survive the refresh


async def test_a_refresh_after_a_change_keeps_the_cursor_marks_and_scroll(
    make_app, infra: Infra
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 16)) as pilot:
        pane = await _ready(pilot)
        await pilot.press("o", "o", "o")  # sort by status: running first
        assert pane.table.rows.query.sort == "status"
        await _cursor_to(pilot, "mail-01")
        await pilot.press("space")  # marks mail-01, the cursor moves to the next row
        await _cursor_to(pilot, "monitoring-01")
        index, top = pane.table.cursor_index, pane.table.scroll_offset.y
        assert top > 0  # scrolled: the cursor is below the first screen
        accepted = await infra.call("vm.stop", {"vm_id": "vm-103"}, CallContext.of("tui"))
        assert (await infra.jobs.wait(accepted.job_id)).status is JobStatus.completed
        await settle(pilot, lambda: pane.table.rows.vms["vm-103"].status.value == "stopped")
        assert pane.table.cursor_vm is not None and pane.table.cursor_vm.name == "monitoring-01"
        assert pane.table.cursor_index == index - 1  # app-server-01 left the running rows
        assert pane.table.marks == {"vm-120"}
        assert pane.table.scroll_offset.y == top


async def test_a_delete_is_refused_with_a_wrong_name_and_done_with_the_right_one(
    make_app, infra: Infra
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _ready(pilot)
        await _cursor_to(pilot, "db-03")
        await pilot.press("ctrl+d")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDestructive))
        await pilot.press(*"db-3", "enter")
        assert isinstance(app.screen, ConfirmDestructive)
        assert "type the name exactly" in str(app.screen.query_one(".mismatch", Static).content)
        await pilot.press("escape")
        await _ops_done(pilot)
        (toast,) = await notifications(pilot)
        assert toast.severity == "warning" and "nothing was changed" in toast.message
        assert "vm-108" in pane.table.rows.vms

        await pilot.press("ctrl+d")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDestructive))
        await pilot.press(*"db-03", "enter")
        await _ops_done(pilot)
        (job,) = infra.jobs.list(JobQuery(type="vm_deletion")).jobs
        assert (await infra.jobs.wait(job.id)).status is JobStatus.completed
        await settle(pilot, lambda: "vm-108" not in pane.table.rows.vms)
        assert "db-03" not in _names(pane)


async def test_the_create_form_shows_a_field_error_for_memory_0_and_creates_a_vm(
    make_app, infra: Infra
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _ready(pilot)
        await pilot.press("c")
        await settle(pilot, lambda: isinstance(app.screen, VmCreateScreen))
        form = app.screen
        await pilot.press(*"web-04")
        form.query_one("#create-memory", Input).value = "0"
        await pilot.press("ctrl+s")
        await _ops_done(pilot)
        error = form.query_one("#create-memory-error", Static)
        assert error.display and "greater than or equal to 16" in str(error.content)
        assert app.screen is form and set(form.errors) == {"create-memory"}

        form.query_one("#create-memory", Input).value = "1024"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmWrite))
        await pilot.press("y")
        await _ops_done(pilot)
        assert not isinstance(app.screen, VmCreateScreen)
        (job,) = infra.jobs.list(JobQuery(type="vm_creation")).jobs
        assert (await infra.jobs.wait(job.id)).status is JobStatus.completed
        await settle(pilot, lambda: "web-04" in _names(pane))
        created = next(v for v in pane.table.rows.vms.values() if v.name == "web-04")
        assert created.memory_mb == 1024


async def test_read_only_hides_the_write_keys(make_app, infra_factory: Callable) -> None:
    app = make_app(infra=infra_factory(read_only=True))
    async with app.run_test(size=SIZE) as pilot:
        await _ready(pilot)
        keys = set(app.screen.active_bindings)
        assert {"slash", "r", "e", "o", "space", "d"} <= keys
        assert not {"s", "x", "X", "R", "n", "b", "ctrl+d", "c", "E"} & keys


async def test_the_detail_panel_shows_the_vms_nics(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await _ready(pilot)
        await _cursor_to(pilot, "db-01")
        assert pane.detail.vm_id == "vm-106"
        nics = str(app.query_one("#vmd-nics", Static).content)
        assert "net0  vmbr0  VLAN 20  fw on  192.168.20.32/24" in nics
        assert "post-upgrade" in str(app.query_one("#vmd-snapshots", Static).content)


# --- how it looks ---------------------------------------------------------------------------


@pytest.fixture
def frozen_app(sandbox: Any, tmp_path: Path) -> Callable[[], Any]:
    """The app on its own core, with CPU, memory, uptime and backup times pinned."""

    def make() -> Any:
        from pxa.tui.app import PxaApp

        return PxaApp(
            tui_settings(),
            build=lambda: freeze_clock(make_infra(sandbox, tmp_path / "pxa.db")),
            api=False,
            themes_dirs=[ROOT / "themes"],
            cursor_blink=False,
        )

    return make


class TestVmsPaneLooks:
    def test_at_120x40_with_a_mark_and_the_detail(
        self, snap_compare: Any, frozen_app: Callable[[], Any]
    ) -> None:
        async def run_before(pilot: Any) -> None:
            await _ready(pilot)
            await _cursor_to(pilot, "cache-02")
            await pilot.press("space")
            await _cursor_to(pilot, "db-01")

        assert snap_compare(frozen_app(), terminal_size=(120, 40), run_before=run_before)

    def test_at_80x24(self, snap_compare: Any, frozen_app: Callable[[], Any]) -> None:
        assert snap_compare(frozen_app(), terminal_size=(80, 24), run_before=_ready)
