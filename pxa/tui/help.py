"""The help screen (`?`): the keys that work where the focus is, with their binding ids.

The ids are what `ui.keymap` in config.toml rebinds: `keymap = { "pane-vms" = "v" }`.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

KEYMAP_HINT = 'Rebind a key by its id in config.toml: [ui] keymap = { "pane-vms" = "v" }'


def binding_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """(keys, what it does, binding id) for each binding active on `screen`, keys merged."""
    rows: dict[tuple[int, str], list[str]] = {}
    info: dict[tuple[int, str], tuple[str, str]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.system or not active.enabled:
            continue
        key = (id(active.node), binding.id or binding.action)
        rows.setdefault(key, []).append(screen.app.get_key_display(binding))
        info[key] = (binding.description or binding.action, binding.id or "")
    return [(", ".join(keys), *info[key]) for key, keys in rows.items()]


class HelpScreen(ModalScreen[None]):
    DEFAULT_CLASSES = "help"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "close", id="help-close"),
    ]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = "keys here"
            table: DataTable[str] = DataTable(cursor_type="none", zebra_stripes=False)
            table.add_columns("key", "does", "id")
            table.add_rows(self.rows)
            yield table
            yield Static(KEYMAP_HINT, markup=False, classes="hint")
