"""VmTable: the VMs pane's table, drawn with Textual's Line API.

Only the lines on screen are rendered (`render_line`); each row's strip is cached under
(vm id, row version, column layout, marked, cursor), so a refresh that changed three VMs
redraws three lines and scrolling re-uses what it has drawn. The cursor and the marks
follow VMs by id: a refresh, a new filter or a new sort keeps both, and keeps the scroll
position unless the cursor would leave the screen.

The table does not take focus; the pane that holds it owns the keys and calls
`move_cursor`, `toggle_mark`, ... Colours are component classes, styled in pxa.tcss.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from pxa.models.vm import Vm
from pxa.tui.widgets.vm_rows import Column, RowQuery, VmRows, bar, cell_text, fit, layout


def own_style(widget: Widget, component: str) -> Style:
    """A component class's own style: its colours (alpha blended) and text style, no more."""
    full = widget.get_component_rich_style(component)
    own = widget.get_component_rich_style(component, partial=True)
    return Style(
        color=full.color if own.color else None,
        bgcolor=full.bgcolor if own.bgcolor else None,
        bold=own.bold,
        dim=own.dim,
        italic=own.italic,
        underline=own.underline,
        reverse=own.reverse,
    )


class VmTable(ScrollView, can_focus=False):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "vm-table--header",
        "vm-table--header-sorted",
        "vm-table--cursor",
        "vm-table--marked",
        "vm-table--mark",
        "vm-table--running",
        "vm-table--stopped",
        "vm-table--paused",
        "vm-table--creating",
        "vm-table--unknown",
        "vm-table--bar",
        "vm-table--bar-high",
        "vm-table--bar-empty",
        "vm-table--muted",
        "vm-table--lock",
        "vm-table--empty",
    }

    class CursorMoved(Message):
        """The cursor is on another VM (or on none: `vm_id` None)."""

        def __init__(self, vm_id: str | None) -> None:
            super().__init__()
            self.vm_id = vm_id

    class Scrolled(Message):
        """Other rows are on screen (keys or the mouse wheel scrolled the table)."""

    def __init__(self, rows: VmRows | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows = rows or VmRows()
        self.marks: set[str] = set()
        self.cursor_id: str | None = None
        self.cursor_index = 0
        self.empty_text = "no VMs"
        self._lines: LRUCache[tuple[object, ...], Strip] = LRUCache(512)
        self._layout: tuple[tuple[Column, int], ...] = ()
        self._layout_width = -1
        self._styles: dict[str, Style] = {}
        self.paints = 0  # lines drawn (not taken from the cache), for tests and the bench

    # --- data -----------------------------------------------------------------------------
    def update_vms(self, vms: list[Vm]) -> None:
        """Take the current VMs in place; cursor, marks and scroll stay where they were."""
        if self.rows.update(vms):
            self.marks = {m for m in self.marks if m in self.rows.vms}
            self._after_reorder()

    def patch_vms(self, vms: list[Vm]) -> None:
        """Change a few rows (facts read later, such as IPs), in place."""
        if vms and self.rows.patch(vms):
            self._after_reorder()
        elif vms:
            self.refresh()

    def set_query(self, query: RowQuery) -> None:
        self.rows.set_query(query)
        self._lines.clear()  # the header shows the sort
        self._after_reorder()

    def _after_reorder(self) -> None:
        count = len(self.rows.order)
        self.virtual_size = Size(self.size.width, count + 1)
        found = self.rows.position(self.cursor_id)
        if found is None:
            found = min(self.cursor_index, max(0, count - 1))
        self._put_cursor(found, scroll=True)
        self.refresh()

    @property
    def cursor_vm(self) -> Vm | None:
        return self.rows.vms.get(self.cursor_id) if self.cursor_id else None

    def selected_ids(self) -> list[str]:
        """The marked VMs in table order (marks hidden by the filter too), else the cursor's."""
        if self.marks:
            shown = [i for i in self.rows.order if i in self.marks]
            return shown + sorted(self.marks.difference(shown))
        return [self.cursor_id] if self.cursor_id else []

    # --- cursor and marks -----------------------------------------------------------------
    @property
    def page_height(self) -> int:
        return max(1, self.size.height - 1)

    def move_cursor(self, delta: int) -> None:
        self._put_cursor(self.cursor_index + delta, scroll=True)

    def move_cursor_to(self, index: int) -> None:
        self._put_cursor(index, scroll=True)

    def page(self, direction: int) -> None:
        """Page down (1) or up (-1): the view moves a page and the cursor with it."""
        step = self.page_height
        self.scroll_to(y=self.scroll_offset.y + direction * step, animate=False)
        self._put_cursor(self.cursor_index + direction * step, scroll=True)

    def _put_cursor(self, index: int, *, scroll: bool) -> None:
        order = self.rows.order
        index = max(0, min(index, len(order) - 1))
        before = self.cursor_id
        old_index = self.cursor_index
        self.cursor_index = index if order else 0
        self.cursor_id = order[index] if order else None
        if scroll:
            self._scroll_to_cursor()
        if self.cursor_id != before:
            self.post_message(self.CursorMoved(self.cursor_id))
        if old_index != self.cursor_index or self.cursor_id != before:
            self._refresh_row(old_index)
            self._refresh_row(self.cursor_index)

    def _scroll_to_cursor(self) -> None:
        top, page = round(self.scroll_offset.y), self.page_height
        if self.size.height <= 1:
            return
        if self.cursor_index < top:
            self.scroll_to(y=self.cursor_index, animate=False)
        elif self.cursor_index >= top + page:
            self.scroll_to(y=self.cursor_index - page + 1, animate=False)

    def _refresh_row(self, index: int) -> None:
        self.refresh_line(index + 1)

    def toggle_mark(self) -> None:
        if self.cursor_id is None:
            return
        self.marks.symmetric_difference_update({self.cursor_id})
        self._refresh_row(self.cursor_index)

    def mark_all(self) -> None:
        self.marks = set(self.rows.order) if self.marks != set(self.rows.order) else set()
        self.refresh()

    def clear_marks(self) -> None:
        self.marks.clear()
        self.refresh()

    def _on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self._put_cursor(round(self.scroll_offset.y) + event.y - 1, scroll=True)

    # --- drawing --------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._lines.clear()
        self.refresh()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self.post_message(self.Scrolled())

    def _on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.rows.order) + 1)
        self._scroll_to_cursor()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = own_style(self, f"vm-table--{name}")
        return style

    def _columns(self, width: int) -> tuple[tuple[Column, int], ...]:
        if width != self._layout_width:
            self._layout, self._layout_width = layout(width), width
            self._lines.clear()
        return self._layout

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width  # not under the scrollbar
        columns = self._columns(width)
        base = self.rich_style
        if y == 0:
            return self._header(columns, width, base)
        index = round(self.scroll_offset.y) + y - 1
        order = self.rows.order
        if index >= len(order):
            if index == 0:
                text = fit(f" {self.empty_text}", width)
                return Strip([Segment(text, base + self._style("empty"))], width)
            return Strip.blank(width, base)
        vm_id = order[index]
        marked, cursor = vm_id in self.marks, index == self.cursor_index
        key = (vm_id, self.rows.versions.get(vm_id), width, marked, cursor)
        strip = self._lines.get(key)
        if strip is None:
            self.paints += 1
            strip = self._row(self.rows.vms[vm_id], columns, width, base, marked, cursor)
            self._lines[key] = strip
        return strip

    def _header(self, columns: tuple[tuple[Column, int], ...], width: int, base: Style) -> Strip:
        key = ("header", width, self.rows.query.sort, self.rows.query.descending)
        strip = self._lines.get(key)
        if strip is None:
            style = base + self._style("header")
            segments = []
            for column, cells in columns:
                title = column.title
                sorted_here = column.key == self.rows.query.sort
                if sorted_here:
                    title += " ▼" if self.rows.query.descending else " ▲"
                extra = self._style("header-sorted") if sorted_here else Style()
                segments.append(Segment(fit(title, cells), style + extra))
                segments.append(Segment(" ", style))
            strip = Strip(segments).adjust_cell_length(width, style)
            self._lines[key] = strip
        return strip

    def _row(
        self,
        vm: Vm,
        columns: tuple[tuple[Column, int], ...],
        width: int,
        base: Style,
        marked: bool,
        cursor: bool,
    ) -> Strip:
        row_style = base
        if marked:
            row_style += self._style("marked")
        if cursor:
            row_style += self._style("cursor")
        muted = row_style + self._style("muted")
        segments: list[Segment] = []
        for column, cells in columns:
            key = column.key
            if key == "mark":
                segments.append(Segment("✓" if marked else " ", row_style + self._style("mark")))
            elif key in ("cpu", "memory"):
                percent = vm.cpu_usage_percent if key == "cpu" else vm.memory_usage_percent
                if vm.status.value != "running":
                    percent = None
                filled, empty, label = bar(percent, cells)
                high = percent is not None and percent >= 85
                segments += [
                    Segment(filled, row_style + self._style("bar-high" if high else "bar")),
                    Segment(empty, row_style + self._style("bar-empty")),
                    Segment(fit(label, cells - len(filled) - len(empty), right=True), row_style),
                ]
            else:
                text = fit(cell_text(vm, key), cells, column.right)
                if key == "status":
                    style = row_style + self._style(vm.status.value)
                elif key == "lock":
                    style = row_style + self._style("lock")
                elif key in ("id", "tags", "environment", "uptime"):
                    style = muted
                else:
                    style = row_style
                segments.append(Segment(text, style))
            segments.append(Segment(" ", row_style))
        return Strip(segments).adjust_cell_length(width, row_style)
