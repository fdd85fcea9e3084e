"""The VMs table's data, without Textual: rows by id with a version, filter, sort, columns.

`VmRows` holds every VM once, by id. `update(vms)` changes rows in place and bumps the
version of each row that changed, so a renderer can cache a row's line under
(id, version) and redraw only what is new. `order` is the filtered, sorted list of ids
the table shows; it is recomputed from the query, never by rebuilding the rows.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from pxa.models.vm import Vm

STATUS_FILTERS: tuple[str | None, ...] = (None, "running", "stopped")
ENVIRONMENT_FILTERS: tuple[str | None, ...] = (None, "production", "staging", "development")
ENVIRONMENT_SHORT = {"production": "prod", "staging": "staging", "development": "dev"}
STATUS_GLYPH = {"running": "●", "stopped": "○", "paused": "◐", "creating": "◌", "unknown": "?"}
_STATUS_RANK = {"running": 0, "paused": 1, "creating": 2, "stopped": 3, "unknown": 4}


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int  # the minimum for a flexible column
    keep: int  # columns with the lowest `keep` are dropped first when the table is narrow
    grow: int = 0  # how many extra cells a flexible column may take (0: fixed)
    right: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("mark", "", 1, 100),
    Column("name", "name", 14, 100, grow=14),
    Column("id", "id", 8, 40),
    Column("node", "node", 5, 60),
    Column("status", "status", 9, 100),
    Column("environment", "env", 7, 30),
    Column("cpu", "cpu", 9, 80),
    Column("memory", "mem", 9, 70),
    Column("uptime", "uptime", 7, 35),
    Column("ip", "ip", 15, 45),
    Column("tags", "tags", 10, 10, grow=30),
    Column("lock", "lock", 8, 25),
)
SORTABLE: tuple[str, ...] = tuple(c.key for c in COLUMNS if c.key != "mark")


def layout(width: int) -> tuple[tuple[Column, int], ...]:
    """The columns that fit in `width` cells (one cell between columns) and their widths."""
    shown = list(COLUMNS)
    while len(shown) > 3 and sum(c.width + 1 for c in shown) - 1 > width:
        shown.remove(min(shown, key=lambda c: c.keep))
    spare = max(0, width - (sum(c.width + 1 for c in shown) - 1))
    widths = {c.key: c.width for c in shown}
    for column in shown:  # name first, then tags
        extra = min(spare, column.grow)
        widths[column.key] += extra
        spare -= extra
    return tuple((c, widths[c.key]) for c in shown)


# --- cell text ----------------------------------------------------------------------------


def uptime_text(seconds: int | None) -> str:
    if not seconds:
        return ""
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {rest // 60}m"
    return f"{max(1, rest // 60)}m"


EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(percent: float | None, width: int) -> tuple[str, str, str]:
    """(filled, empty, label) for a usage bar `width` cells wide, label included."""
    if percent is None:
        return "", "", ""
    label = f"{round(percent):>3d}%"
    cells = max(1, width - len(label) - 1)
    eighths = round(max(0.0, min(100.0, percent)) / 100 * cells * 8)
    full, part = divmod(eighths, 8)
    filled = "█" * full + (EIGHTHS[part] if part else "")
    return filled, "░" * (cells - len(filled)), " " + label


def cell_text(vm: Vm, key: str) -> str:
    """The plain text of one cell (bars and the mark are drawn by the table)."""
    if key == "name":
        return vm.name
    if key == "id":
        return vm.id
    if key == "node":
        return vm.node
    if key == "status":
        status = vm.status.value
        return f"{STATUS_GLYPH.get(status, '?')} {status}"
    if key == "environment":
        return ENVIRONMENT_SHORT.get(vm.environment or "", "")
    if key == "uptime":
        return uptime_text(vm.uptime_seconds)
    if key == "ip":
        return vm.ip_address or ""
    if key == "tags":
        return ",".join(t for t in vm.tags if t != vm.environment)
    if key == "lock":
        return vm.lock or ""
    return ""


def fit(text: str, width: int, right: bool = False) -> str:
    if len(text) > width:
        return text[: max(0, width - 1)] + "…" if width > 0 else ""
    return text.rjust(width) if right else text.ljust(width)


# --- filter and sort ----------------------------------------------------------------------


@dataclass(frozen=True)
class RowQuery:
    text: str = ""
    status: str | None = None
    environment: str | None = None
    sort: str = "name"
    descending: bool = False

    def with_(self, **changes: Any) -> RowQuery:
        return replace(self, **changes)

    def narrows(self, before: RowQuery) -> bool:
        """True when every row this query shows was shown by `before` (typing on)."""
        return (self.status, self.environment, self.sort, self.descending) == (
            before.status,
            before.environment,
            before.sort,
            before.descending,
        ) and before.text.lower() in self.text.lower()


def _ip_key(ip: str | None) -> tuple[int, int]:
    try:
        return (0, int(ipaddress.ip_address(ip or "")))
    except ValueError:
        return (1, 0)


SORT_KEYS: dict[str, Callable[[Vm], Any]] = {
    "name": lambda v: (v.name.lower(), v.vmid),
    "id": lambda v: (v.vmid, v.type),
    "node": lambda v: (v.node, v.name.lower()),
    "status": lambda v: (_STATUS_RANK.get(v.status.value, 9), v.name.lower()),
    "environment": lambda v: (v.environment or "~", v.name.lower()),
    "cpu": lambda v: (v.cpu_usage_percent or 0.0, v.name.lower()),
    "memory": lambda v: (v.memory_usage_percent or 0.0, v.name.lower()),
    "uptime": lambda v: (v.uptime_seconds or 0, v.name.lower()),
    "ip": lambda v: (_ip_key(v.ip_address), v.name.lower()),
    "tags": lambda v: (",".join(v.tags), v.name.lower()),
    "lock": lambda v: (v.lock or "~", v.name.lower()),
}


@dataclass
class VmRows:
    """Every VM by id, each with a version; `order` is what the query shows."""

    include_templates: bool = False
    vms: dict[str, Vm] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    query: RowQuery = field(default_factory=RowQuery)
    order: list[str] = field(default_factory=list)
    _haystacks: dict[str, str] = field(default_factory=dict)
    _positions: dict[str, int] | None = None
    _source: object = None

    def update(self, vms: Iterable[Vm]) -> bool:
        """Take the current VMs in place (by id); False when nothing can have changed.

        Every row that is a new object gets a new version rather than being compared
        field by field: live values (CPU, memory, uptime) change on most refreshes anyway,
        and only the rows on screen are drawn again.
        """
        if vms is self._source:
            return False
        self._source = vms
        fresh = {vm.id: vm for vm in vms if self.include_templates or not vm.template}
        versions, before = self.versions, self.vms
        for vm_id, vm in fresh.items():
            if before.get(vm_id) is not vm:
                versions[vm_id] = versions.get(vm_id, 0) + 1
        for gone in before.keys() - fresh.keys():
            versions.pop(gone, None)
        self.vms = fresh
        self._haystacks.clear()  # rebuilt by the next text filter, for the rows it reads
        self.refilter()
        return True

    def patch(self, vms: Iterable[Vm]) -> bool:
        """Replace some rows; True when the order may have changed (and was recomputed)."""
        for vm in vms:
            if vm.id in self.vms:
                self.vms[vm.id] = vm
                self.versions[vm.id] += 1
                self._haystacks.pop(vm.id, None)
        if self.query.text or self.query.sort == "ip":
            self.refilter()
            return True
        return False

    def set_query(self, query: RowQuery) -> None:
        before, self.query = self.query, query
        self.refilter(self.order if query.narrows(before) else None)

    def refilter(self, within: list[str] | None = None) -> None:
        q = self.query
        needle = q.text.strip().lower()
        ids = within if within is not None else list(self.vms)
        rows = [
            vm
            for vm in (self.vms[i] for i in ids if i in self.vms)
            if (q.status is None or vm.status.value == q.status)
            and (q.environment is None or vm.environment == q.environment)
            and (not needle or needle in self._haystack(vm))
        ]
        if within is None:  # narrowing keeps the order it had
            rows.sort(key=SORT_KEYS[q.sort], reverse=q.descending)
        self.order = [vm.id for vm in rows]
        self._positions = None

    def _haystack(self, vm: Vm) -> str:
        """What the text filter searches, lower case."""
        hay = self._haystacks.get(vm.id)
        if hay is None:
            hay = "\n".join(
                (vm.name, vm.id, str(vm.vmid), vm.node, vm.ip_address or "", *vm.tags)
            ).lower()
            self._haystacks[vm.id] = hay
        return hay

    def position(self, vm_id: str | None) -> int | None:
        if vm_id is None:
            return None
        if self._positions is None:
            self._positions = {vm_id: i for i, vm_id in enumerate(self.order)}
        return self._positions.get(vm_id)


def status_line(rows: VmRows, marked: int) -> str:
    """The line under the table: counts, filters, sort, marks (no clock: screenshots)."""
    q = rows.query
    total, shown = len(rows.vms), len(rows.order)
    parts = [f"{shown} of {total} VMs" if shown != total else f"{total} VMs"]
    if q.text:
        parts.append(f"filter {q.text!r}")
    parts += [value for value in (q.status, q.environment) if value]
    parts.append(f"sort {q.sort} {'▼' if q.descending else '▲'}")
    if marked:
        parts.append(f"{marked} marked")
    return " · ".join(parts)


def cycle(values: tuple[Any, ...], current: Any) -> Any:
    """The value after `current` in `values`, round and round."""
    return values[(values.index(current) + 1) % len(values)] if current in values else values[0]
