"""Command-palette providers; every title reads "area: action".

`OperationsProvider` lists the catalogue's operations whose area the current pane declares
(`Pane.areas`); choosing one hands it to the pane (`Pane.run_palette_operation`), which
knows the selection. In read-only mode only reads are listed. The app's own commands
("pane: vms", "theme: switch", ...) come from `PxaApp.get_system_commands`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider

from pxa.models.common import Risk

if TYPE_CHECKING:
    from pxa.tui.app import PxaApp


def _search_hits(
    provider: Provider, query: str, entries: list[tuple[str, str, Callable]]
) -> Iterator[Hit]:
    matcher = provider.matcher(query)
    for title, help_text, command in entries:
        score = matcher.match(title)
        if score > 0:
            yield Hit(score, matcher.highlight(title), command, text=title, help=help_text)


def _open_terraform(app: PxaApp, mode: str) -> None:
    from pxa.tui.widgets.terraform_view import open_terraform

    open_terraform(app, mode)


class OperationsProvider(Provider):
    def _entries(self) -> list[tuple[str, str, Callable]]:
        app: PxaApp = self.app  # type: ignore[assignment]
        pane = app.current_pane
        entries = []
        for op in sorted(app.catalogue.values(), key=lambda o: o.name):
            if op.area not in pane.areas or (app.read_only and op.risk is not Risk.read):
                continue
            risk = "" if op.risk is Risk.read else f" ({op.risk.value})"
            command = partial(pane.run_palette_operation, op)
            if op.area == "terraform":  # its own screen: a prompt, the code, save
                command = partial(_open_terraform, app, op.name.split(".", 1)[1])
            entries.append((op.title, f"{op.summary}{risk}", command))
        return entries

    async def discover(self) -> Hits:
        for title, help_text, command in self._entries():
            yield DiscoveryHit(title, command, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        for hit in _search_hits(self, query, self._entries()):
            yield hit


class ThemesProvider(Provider):
    """pxa's themes (built-in and the person's own), for "theme: switch"."""

    def _entries(self) -> list[tuple[str, str, Callable]]:
        app: PxaApp = self.app  # type: ignore[assignment]
        return [
            (name, "current theme" if name == app.theme else "", partial(app.set_theme, name))
            for name in sorted(app.pxa_themes)
        ]

    async def discover(self) -> Hits:
        for title, help_text, command in self._entries():
            yield DiscoveryHit(title, command, text=title, help=help_text or None)

    async def search(self, query: str) -> Hits:
        for hit in _search_hits(self, query, self._entries()):
            yield hit


def app_commands(app: PxaApp) -> Iterator[SystemCommand]:
    """The app's own palette commands (Textual's "system commands")."""
    from pxa.tui.panes import PANES

    for n, pane in enumerate(PANES, 1):
        yield SystemCommand(
            f"pane: {pane.pane_id}",
            f"Show the {pane.title} pane ({n})",
            partial(app.action_show_pane, pane.pane_id),
        )
    yield SystemCommand("theme: switch", "Choose a colour theme", app.action_switch_theme)
    yield SystemCommand(
        "chat: toggle", "Open or close the chat panel (ctrl+t)", app.action_toggle_chat
    )
    yield SystemCommand(
        "keys: help", "The keys that work here, with their ids (?)", app.action_help
    )
    yield SystemCommand("app: quit", "Quit pxa (ctrl+q)", app.action_quit)
