"""The shell: header, pane switching, chat panel, help, read-only badge, keymap."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from pxa.tui.help import HelpScreen
from pxa.tui.panes import PANES
from pxa.tui.widgets.state import PaneState

from .helpers import notifications, settle, tui_settings

SIZE = (120, 40)


def _text(app: Any, selector: str) -> str:
    return str(app.query_one(selector).content)


async def test_the_shell_mounts_with_the_cluster_name_and_the_sandbox_badge(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert _text(app, "#cluster").startswith("pxa-lab · 3 nodes")
        assert app.query_one("#badge-sandbox").display
        assert not app.query_one("#badge-read-only").display
        assert _text(app, "#health") == "● connected"
        assert _text(app, "#api") == "API off"


async def test_number_keys_switch_panes(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.current_pane.pane_id == "vms"
        for number, pane in enumerate(PANES, 1):
            await pilot.press(str(number))
            assert app.current_pane.pane_id == pane.pane_id
            assert app.screen.focused is app.current_pane.focus_target()
        assert app.query_one("#pane-tabs").active == "tab-monitoring"


async def test_a_pane_not_built_yet_says_so_once_connected(make_app) -> None:
    from pxa.tui.panes.base import Pane

    class DemoPane(Pane):
        pane_id, title = "demo", "Demo"
        placeholder = "The Demo pane arrives with its own issue."

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = DemoPane()
        await app.screen.mount(pane)
        await settle(pilot, lambda: "-empty" in pane.query_one(PaneState).classes)
        state = pane.query_one(PaneState)
        assert str(state.content).startswith("The Demo pane arrives with its own issue.")


async def test_the_chat_panel_toggles_and_answers(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        chat = app.query_one("#chat")
        assert not chat.display
        await pilot.press("ctrl+t")
        assert chat.display
        assert app.focused is not None and app.focused.id == "chat-input"
        await pilot.press(*"show failed jobs", "enter")
        await settle(pilot)  # the turn runs in a worker (offline here: no key)
        assert chat.messages[0] == ("you", "show failed jobs")
        assert chat.messages[1][0] == "pxa"
        await pilot.press("ctrl+t")
        assert not chat.display
        assert app.focused is app.current_pane


async def test_help_lists_the_keys_of_the_focused_context_with_their_ids(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        ids = {row[2] for row in app.screen.rows}
        assert {"toggle-chat", "help", "quit", "command-palette", "pane-vms", "pane-jobs"} <= ids
        keys = {row[2]: row[0] for row in app.screen.rows}
        assert keys["pane-networks"] == "2"
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_read_only_mode_shows_its_badge(make_app, infra_factory: Callable) -> None:
    app = make_app(infra=infra_factory(read_only=True))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.read_only
        assert app.query_one("#badge-read-only").display


async def test_a_key_rebound_in_the_config_works(make_app) -> None:
    app = make_app(tui_settings(ui={"keymap": {"pane-jobs": "j", "toggle-chat": "ctrl+o"}}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j")
        assert app.current_pane.pane_id == "jobs"
        await pilot.press("1", "5")  # the old key no longer shows the Jobs pane
        assert app.current_pane.pane_id == "vms"
        await pilot.press("ctrl+o")
        assert app.query_one("#chat").display


async def test_read_only_hides_the_keys_of_writes(make_app, infra_factory: Callable) -> None:
    from textual.binding import Binding

    from pxa.tui.keys import op_binding
    from pxa.tui.panes.base import Pane

    class DemoPane(Pane):
        pane_id = "demo"
        BINDINGS: ClassVar = [
            op_binding("s", "vm.start"),
            op_binding("g", "vm.get"),
            Binding("e", "edit", "edit", id="demo-edit"),
            Binding("r", "refresh", "refresh", id="demo-refresh"),
        ]
        write_actions = frozenset({"edit"})

    assert DemoPane.BINDINGS[0].id == "vm-start"
    for read_only, expected in ((False, {"s", "g", "e", "r"}), (True, {"g", "r"})):
        app = make_app(infra=infra_factory(read_only=read_only))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            pane = DemoPane()
            await app.screen.mount(pane)
            pane.focus()
            await pilot.pause()
            assert {"s", "g", "e", "r"} & set(app.screen.active_bindings) == expected


async def test_an_operation_key_asks_the_pane_for_its_selection(make_app) -> None:
    from pxa.tui.keys import op_binding
    from pxa.tui.panes.base import Pane

    class DemoPane(Pane):
        pane_id, title = "demo", "Demo"
        BINDINGS: ClassVar = [op_binding("s", "vm.start")]

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = DemoPane()
        await app.screen.mount(pane)
        pane.focus()
        await pilot.press("s")
        (toast,) = await notifications(pilot)
        assert toast.message == "vm: start needs a vm selected in the Demo pane"


async def test_a_keymap_id_that_matches_nothing_is_pointed_out(make_app) -> None:
    app = make_app(tui_settings(ui={"keymap": {"pane-vms": "v", "pane-vm": "x"}}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        (toast,) = await notifications(pilot)
        assert "no binding has the id 'pane-vm'" in toast.message


async def test_a_core_that_cannot_start_leaves_the_ui_up_saying_why() -> None:
    from pxa.errors import ConfigError
    from pxa.tui.app import PxaApp

    def build() -> Any:
        raise ConfigError("proxmox.user is not set (e.g. root@pam)")

    app = PxaApp(tui_settings(), build=build, api=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert _text(app, "#health") == "✕ proxmox.user is not set (e.g. root@pam)"
        state = app.current_pane.query_one(PaneState)
        assert "-error" in state.classes and "proxmox.user is not set" in str(state.content)
        await pilot.press("2")
        assert app.current_pane.pane_id == "networks"


async def test_the_shell_uses_the_room_of_a_large_terminal(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        assert app.current_pane.region.width == 200
        assert app.current_pane.region.height == 60 - 4  # header, tabs (2), footer
        await pilot.press("ctrl+t")
        assert app.query_one("#chat").region.width == 80  # 40%, beside the pane
        assert app.current_pane.region.width == 120
