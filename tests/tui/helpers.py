"""What the TUI tests share: the fixed settings, waiting for the shell, its notifications."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from pxa.config import Settings
    from pxa.tui.app import PxaApp


def tui_settings(**sections: dict[str, Any]) -> Settings:
    """Defaults, the API off and the default theme; `sections` override per test."""
    from pxa.config import Settings

    data: dict[str, dict[str, Any]] = {"api": {"enabled": False}, "ui": {"theme": "proxmox-dark"}}
    for name, values in sections.items():
        data.setdefault(name, {}).update(values)
    return Settings.model_validate(data)


async def settle(pilot: Pilot, until: Callable[[], bool] | None = None, rounds: int = 200) -> None:
    """Let workers finish and messages drain until the shell is connected (and `until`)."""
    app: PxaApp = pilot.app  # type: ignore[assignment]

    def ready() -> bool:
        if app.core.infra is None or not str(app.query_one("#cluster").content):
            return False
        return until() if until else True

    for _ in range(rounds):
        # Operations may be waiting for a modal the test answers: wait for the others only.
        others = [w for w in app.workers if w.group != "ops"]
        if others:
            from textual.worker import WorkerCancelled

            # An exclusive worker cancelled by its successor (a pane reloading) is normal.
            with contextlib.suppress(WorkerCancelled):
                await app.workers.wait_for_complete(others)
        await pilot.pause()
        if ready():
            return
        await pilot.pause(0.02)
    raise AssertionError("the TUI did not settle")


async def notifications(pilot: Pilot) -> list[Any]:
    """The notifications shown so far (after the pending ones are processed)."""
    await pilot.pause()
    return list(pilot.app._notifications)


def pane_settled(pane: Any) -> bool:
    """A pane has drawn what it will draw: not loading, nothing due (`busy`, if it says)."""
    from pxa.tui.widgets.state import PaneState

    state = pane.query_one(PaneState)
    loading = bool(state.display) and state.has_class("-loading")
    return not loading and not getattr(pane, "busy", False)


FROZEN_AT = 1_767_225_600  # 2026-01-01 00:00 UTC: the newest backup of a frozen lab


def freeze_clock(infra: Any) -> Any:
    """Pin what moves with the wall clock in the sandbox (CPU, memory, uptime, traffic, RRD
    points, backup times) to values from the VMID, so a screenshot of live data is stable."""
    adapter = infra.adapter
    resources, status, rrd = adapter.resources, adapter.status, adapter.metrics.guest
    content = adapter.storage.content

    def pin(row: dict[str, Any], vmid: int) -> dict[str, Any]:
        if row.get("status") == "running":
            k = (vmid * 37 % 100) / 100
            row.update(
                cpu=round(0.02 + 0.6 * k, 4),
                mem=int((row.get("maxmem") or 0) * (0.2 + 0.7 * k)),
                uptime=86400 * (vmid % 40) + 3600 * (vmid % 24) + 60 * (vmid % 60),
                netin=vmid * 1_000_000,
                netout=vmid * 400_000,
            )
        return row

    async def frozen_resources(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        rows = await resources(*args, **kwargs)
        return [pin(r, int(r["vmid"])) if r.get("type") in ("qemu", "lxc") else r for r in rows]

    async def frozen_status(node: str, vmid: int, kind: str = "qemu") -> dict[str, Any]:
        return pin(await status(node, vmid, kind), vmid)

    async def frozen_rrd(node: str, vmid: int, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        rows = sorted(await rrd(node, vmid, *args, **kwargs), key=lambda r: r["time"])
        for i, row in enumerate(rows):
            wave = ((i * 7 + vmid) % 13) / 13
            for key, value in (
                ("cpu", 0.05 + 0.4 * wave),
                ("netin", 2e5 * wave),
                ("netout", 1e5 * wave),
            ):
                if row.get(key) is not None:
                    row[key] = value
            if row.get("mem") is not None and row.get("maxmem"):
                row["mem"] = row["maxmem"] * (0.3 + 0.5 * wave)
        return rows

    async def frozen_content(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        rows = await content(*args, **kwargs)
        newest_first = sorted(rows, key=lambda r: -(r.get("ctime") or 0))
        for rank, row in enumerate(newest_first):
            if row.get("ctime"):
                row["ctime"] = FROZEN_AT - rank * 86400
        return rows

    adapter.resources, adapter.status = frozen_resources, frozen_status
    adapter.metrics.guest, adapter.storage.content = frozen_rrd, frozen_content
    return infra
