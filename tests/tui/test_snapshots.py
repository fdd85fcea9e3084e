"""How the shell looks, one class per feature, with a fixed config and a fixed lab (seed 42).

The app builds its own core in its own loop (`build=`), the API is off, the cursor does not
blink and nothing on screen depends on the clock. Regenerate after a deliberate change with
`pytest tests/tui/test_snapshots.py --snapshot-update` and look at every changed SVG.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support import make_infra

from pxa.tui.modals import ConfirmDestructive

from .helpers import freeze_clock, pane_settled, settle, tui_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shell(sandbox: Any, tmp_path: Path) -> Callable[..., Any]:
    def make(*, read_only: bool = False) -> Any:
        from pxa.tui.app import PxaApp

        return PxaApp(
            tui_settings(),
            build=lambda: freeze_clock(
                make_infra(sandbox, tmp_path / "pxa.db", read_only=read_only)
            ),
            api=False,
            themes_dirs=[ROOT / "themes"],
            cursor_blink=False,
        )

    return make


async def _connected(pilot: Any) -> None:
    app = pilot.app
    await settle(pilot, lambda: pane_settled(app.current_pane))


class TestShell:
    def test_at_120x40(self, snap_compare: Any, shell: Callable[..., Any]) -> None:
        assert snap_compare(shell(), terminal_size=(120, 40), run_before=_connected)

    def test_at_80x24(self, snap_compare: Any, shell: Callable[..., Any]) -> None:
        assert snap_compare(shell(), terminal_size=(80, 24), run_before=_connected)

    def test_read_only_at_80x24(self, snap_compare: Any, shell: Callable[..., Any]) -> None:
        assert snap_compare(shell(read_only=True), terminal_size=(80, 24), run_before=_connected)


class TestChat:
    def test_open_with_a_message_at_80x24(
        self, snap_compare: Any, shell: Callable[..., Any]
    ) -> None:
        async def chat(pilot: Any) -> None:
            await _connected(pilot)
            await pilot.press("ctrl+t", *"list my VMs", "enter")
            await settle(pilot)  # the answer (offline: no key) comes from a worker

        assert snap_compare(shell(), terminal_size=(80, 24), run_before=chat)


class TestModals:
    def test_help_at_120x40(self, snap_compare: Any, shell: Callable[..., Any]) -> None:
        async def help_screen(pilot: Any) -> None:
            await _connected(pilot)
            await pilot.press("question_mark")

        assert snap_compare(shell(), terminal_size=(120, 40), run_before=help_screen)

    def test_destructive_confirmation_at_80x24(
        self, snap_compare: Any, shell: Callable[..., Any]
    ) -> None:
        async def confirm(pilot: Any) -> None:
            app = pilot.app
            await _connected(pilot)
            vm = next(
                v
                for v in app.infra.inventory.vms()
                if v.status.value == "stopped" and not v.template and v.type == "qemu"
            )
            app.start_op("vm.delete", {"vm_id": vm.id})
            await settle(pilot, lambda: isinstance(app.screen, ConfirmDestructive))
            await pilot.press(*"wrong", "enter")

        assert snap_compare(shell(), terminal_size=(80, 24), run_before=confirm)
