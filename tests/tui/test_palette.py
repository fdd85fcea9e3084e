"""The command palette: the current pane's operations and the app's commands, "area: action"."""

from __future__ import annotations

from collections.abc import Callable

from textual.command import CommandList, CommandPalette

from pxa.config import load_settings

from .helpers import settle

SIZE = (120, 40)


async def _palette(pilot, query: str) -> list[str]:
    """Open the palette, type `query`, and return the titles it lists."""
    app = pilot.app
    if not isinstance(app.screen, CommandPalette):
        await pilot.press("ctrl+p")
    await pilot.press(*query)
    palette = app.screen
    assert isinstance(palette, CommandPalette)
    await palette.workers.wait_for_complete()
    await pilot.pause()
    options = palette.query_one(CommandList)
    return [str(options.get_option_at_index(i).hit.text) for i in range(options.option_count)]


async def test_the_palette_lists_vm_start_on_the_vms_pane(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = await _palette(pilot, "vm: ")
        assert "vm: start" in titles
        assert "vm: snapshot create" in titles
        assert not any(t.startswith("network:") for t in titles)


async def test_the_palette_follows_the_pane(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        titles = await _palette(pilot, "network")
        assert "network: create" in titles
        await pilot.press("escape")
        assert "vm: start" not in await _palette(pilot, "vm: start")


async def test_in_read_only_mode_the_palette_lists_only_reads(
    make_app, infra_factory: Callable
) -> None:
    app = make_app(infra=infra_factory(read_only=True))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = await _palette(pilot, "vm: ")
        assert "vm: list" in titles
        assert "vm: start" not in titles and "vm: delete" not in titles


async def test_app_commands_read_area_colon_action(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = await _palette(pilot, "pane: ")
        assert {"pane: vms", "pane: monitoring"} <= set(titles)
        await pilot.press("escape")
        titles = await _palette(pilot, "pane: jobs")
        assert titles[0] == "pane: jobs"
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_pane.pane_id == "jobs"


async def test_theme_switch_from_the_palette(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "proxmox-dark"
        titles = await _palette(pilot, "theme: switch")
        assert titles[0] == "theme: switch"
        await pilot.press("enter")
        await pilot.pause()
        titles = await _palette(pilot, "nord")
        assert titles == ["nord"]
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "nord"
        assert app.get_css_variables()["status-running"] == "#A3BE8C"
    assert load_settings().ui.theme == "nord"  # kept for the next start
