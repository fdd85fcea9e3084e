"""What the Jobs, Networks, Storage, Backups, Security and Monitoring panes share.

- `fetch`: a read through `app.run_op` that, on a `PxaError`, posts `LoadFailed` to the pane
  (from the load worker) instead of a toast; the pane's handler shows the error state.
- `show_body` / `show_state`: a pane has a `PaneState` and one `.pane-body`; one is shown.
- Table cells coloured by *theme variables* (`tint`): DataTable renders Rich text, so the
  colour is looked up in the current theme (`$status-running`, `$severity-high`, ...),
  never written here; panes re-render their cells when the theme changes.
- Text helpers: usage bars, sizes, times (local time), durations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.style import Style
from rich.text import Text
from textual.color import Color, ColorParseError
from textual.message import Message
from textual.widgets import DataTable

from pxa.errors import PxaError
from pxa.tui.widgets.state import PaneState

if TYPE_CHECKING:
    from textual.app import App
    from textual.widget import Widget

    from pxa.tui.panes.base import Pane

# What colour (theme variable) each status word gets in a table.
STATUS_VARIABLES: dict[str, str] = {
    "running": "status-paused",
    "pending": "status-unknown",
    "completed": "status-running",
    "failed": "severity-critical",
    "cancelled": "status-stopped",
    "applied": "status-running",
    "active": "status-running",
    "inactive": "status-stopped",
    "online": "status-running",
    "offline": "severity-critical",
    "available": "status-running",
    "stopped": "status-stopped",
    "paused": "status-paused",
    "critical": "severity-critical",
    "high": "severity-high",
    "medium": "severity-medium",
    "low": "severity-low",
    "error": "severity-critical",
    "warning": "severity-medium",
    "info": "foreground",
    "debug": "status-unknown",
}


class LoadFailed(Message):
    """A pane's load worker could not read `operation`: the core's message."""

    def __init__(self, operation: str, message: str) -> None:
        super().__init__()
        self.operation = operation
        self.message = message


async def fetch(pane: Pane, name: str, args: dict[str, Any] | None = None) -> Any:
    """Read through the core; None after posting `LoadFailed` to the pane (worker side)."""
    try:
        return await pane.pxa.run_op(name, args or {}, toast=False)
    except PxaError as exc:
        pane.post_message(LoadFailed(name, exc.message))
        return None


def show_body(pane: Widget) -> None:
    pane.query_one(PaneState).display = False
    pane.query_one(".pane-body").display = True


def show_state(pane: Widget, kind: str, text: str) -> None:
    """`kind`: loading, empty or error; hides the body."""
    pane.query_one(".pane-body").display = False
    getattr(pane.query_one(PaneState), kind)(text)


# --- colour -------------------------------------------------------------------------------


def tint(app: App, text: str, variable: str | None, *, bold: bool = False) -> Text:
    """`text` in the colour of theme variable `variable` (no colour if the theme lacks it)."""
    style = Style(color=colour_of(app, variable), bold=bold)
    return Text(text, style=style, end="", justify="left")


def colour_of(app: App, variable: str | None) -> str | None:
    """The hex colour of a theme variable (`#e57000`), or None for `auto 60%` and the like."""
    value = app.theme_variables.get(variable or "")
    if not value:
        return None
    try:
        return Color.parse(value.split()[0]).hex
    except ColorParseError:
        return None


def status_text(app: App, status: str, label: str | None = None) -> Text:
    return tint(app, label or status, STATUS_VARIABLES.get(status))


def usage_variable(percent: float | None) -> str:
    if percent is None:
        return "status-unknown"
    if percent >= 90:
        return "severity-critical"
    if percent >= 75:
        return "severity-medium"
    return "status-running"


def bar(app: App, percent: float | None, width: int = 10, variable: str | None = None) -> Text:
    """A usage or progress bar: `██████░░░░  60%`, coloured by how full it is."""
    if percent is None:
        return tint(app, "·" * width + "    —", "status-unknown")
    filled = round(max(0.0, min(100.0, percent)) * width / 100)
    text = tint(app, "█" * filled, variable or usage_variable(percent))
    text.append("░" * (width - filled), style=_muted(app))
    text.append(f" {percent:3.0f}%")
    return text


def _muted(app: App) -> Style:
    colour = colour_of(app, "status-unknown")
    return Style(color=colour) if colour else Style(dim=True)


# --- words --------------------------------------------------------------------------------

FROZEN_TIME: str | None = None
"""Set by screenshot tests: every time of day on screen then reads this instead."""


def gib(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 1024:
        return f"{value / 1024:.1f} TiB"
    return f"{value:.1f} GiB"


def stamp(when: datetime | None) -> str:
    """A timestamp in local time, to the minute."""
    if when is None:
        return "—"
    return FROZEN_TIME or when.astimezone().strftime("%Y-%m-%d %H:%M")


def clock(when: datetime) -> str:
    return FROZEN_TIME or when.astimezone().strftime("%H:%M:%S")


def took(seconds: float | None) -> str:
    """A duration: `0.4 s`, `12 s`, `3m 04s`, `2h 05m`, `3d 4h`."""
    if seconds is None:
        return "—"
    if seconds < 10:
        return f"{seconds:.1f} s"
    s = round(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    if s < 86400:
        return f"{s // 3600}h {s % 3600 // 60:02d}m"
    return f"{s // 86400}d {s % 86400 // 3600}h"


def rate(value: float | None) -> str:
    """Bytes per second, in the unit that keeps it short."""
    if value is None:
        return "—"
    for unit, size in (("GB/s", 1e9), ("MB/s", 1e6), ("kB/s", 1e3)):
        if value >= size:
            return f"{value / size:.1f} {unit}"
    return f"{value:.0f} B/s"


def short_list(items: Sequence[str], room: int = 3) -> str:
    if not items:
        return "—"
    shown = ", ".join(items[:room])
    return shown + (f" +{len(items) - room}" if len(items) > room else "")


# --- tables -------------------------------------------------------------------------------


def selected_key(table: DataTable[Any]) -> str | None:
    if table.row_count == 0:
        return None
    try:
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except Exception:  # the cursor points past the rows while the table is being refilled
        return None


def refill(
    table: DataTable[Any], rows: Iterable[tuple[str, Sequence[Any]]], *, keep: str | None = None
) -> None:
    """Replace the rows, keeping the cursor on the same key (or `keep`) when it is still there."""
    wanted = keep or selected_key(table)
    table.clear()
    keys = []
    for key, cells in rows:
        table.add_row(*cells, key=key)
        keys.append(key)
    if wanted in keys:
        table.move_cursor(row=keys.index(wanted), animate=False, scroll=True)
