"""The Terraform screen under Pilot: palette → prompt → highlighted code → save."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Input, Static

from pxa.tui.widgets.terraform_view import TerraformScreen

from .helpers import settle

SIZE = (140, 45)
SEED = "Create a secure web server VM with Nginx, SSL certificate, and firewall rules"


async def _open_from_palette(pilot, title: str) -> TerraformScreen:  # type: ignore[no-untyped-def]
    from textual.command import CommandPalette

    await pilot.press("ctrl+p")
    await pilot.press(*title)
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    await palette.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, TerraformScreen)
    return screen


async def _generate(pilot, screen: TerraformScreen, text: str) -> None:  # type: ignore[no-untyped-def]
    screen.query_one("#prompt", Input).value = text
    await pilot.click("#run")
    await screen.workers.wait_for_complete()
    await pilot.pause()


async def test_the_palette_opens_the_screen_and_it_generates_code(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await _open_from_palette(pilot, "terraform: generate")
        await _generate(pilot, screen, SEED)
        assert screen.result is not None
        code = screen.result.generated_code
        assert code.validation_score == 100
        shown = str(screen.query_one("#summary", Static).render())
        assert "validation 100/100" in shown and "security passed" in shown
        assert not screen.query_one("#save", Button).disabled


async def test_save_writes_the_module(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await _open_from_palette(pilot, "terraform: generate")
        await _generate(pilot, screen, SEED)
        screen.query_one("#out", Input).value = str(tmp_path / "tf")
        await pilot.click("#save")
        await pilot.pause()
        assert (tmp_path / "tf" / "main.tf").read_text() == screen.result.generated_code.code
        assert (tmp_path / "tf" / "providers.tf").exists()


async def test_a_bad_prompt_is_a_toast_and_nothing_to_save(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await _open_from_palette(pilot, "terraform: generate")
        await _generate(pilot, screen, "a vm with 0 cores")
        assert screen.result is None and screen.query_one("#save", Button).disabled
        assert any("spec.vms[0].cores" in n.message for n in app._notifications)


async def test_export_shows_import_blocks(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await _open_from_palette(pilot, "terraform: export")
        await _generate(pilot, screen, "web-server-01")
        assert 'id = "pve1/100"' in screen.result.generated_code.files["imports.tf"]


async def test_export_starts_from_the_vm_under_the_cursor(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.current_pane.table
        wanted = table.cursor_vm.name
        screen = await _open_from_palette(pilot, "terraform: export")
        assert screen.query_one("#prompt", Input).value == wanted
