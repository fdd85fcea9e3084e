"""Concurrent readers of a stale inventory share one refresh, and share its failure too."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from pxa.core.inventory import Inventory
from pxa.errors import BackendError, PxaError
from pxa.events import EventBus


class SlowAdapter:
    """Answers after a pause, or fails with `error`; counts the calls."""

    def __init__(self, error: PxaError | None = None) -> None:
        self.calls = 0
        self.error = error

    async def resources(self) -> list[dict[str, Any]]:
        self.calls += 1
        await asyncio.sleep(0.05)
        if self.error:
            raise self.error
        return [{"type": "qemu", "vmid": 100, "name": "a", "node": "pve1", "status": "running"}]


def inventory(adapter: SlowAdapter, bus: EventBus | None = None) -> Inventory:
    return Inventory(adapter, bus or EventBus())  # type: ignore[arg-type]


async def test_concurrent_reads_of_a_stale_inventory_ask_proxmox_once() -> None:
    adapter = SlowAdapter()
    inv = inventory(adapter)
    await asyncio.gather(*(inv.ensure_fresh() for _ in range(8)))
    assert adapter.calls == 1 and len(inv.vms()) == 1


async def test_readers_waiting_on_a_refresh_that_fails_get_its_error_without_asking_again() -> None:
    adapter = SlowAdapter(BackendError("Proxmox answered 500"))
    inv = inventory(adapter)
    results = await asyncio.gather(*(inv.ensure_fresh() for _ in range(5)), return_exceptions=True)
    assert adapter.calls == 1
    assert all(isinstance(r, BackendError) for r in results)


async def test_a_forced_refresh_after_a_change_reads_proxmox_again() -> None:
    adapter = SlowAdapter()
    inv = inventory(adapter)
    await inv.refresh()
    await inv.refresh()
    assert adapter.calls == 2


async def test_any_failed_refresh_is_announced_once_as_unhealthy() -> None:
    bus, seen = EventBus(), []
    bus.subscribe(lambda event: seen.append(event))
    inv = inventory(SlowAdapter(BackendError("Proxmox answered 500")), bus)
    for _ in range(2):
        with pytest.raises(BackendError):
            await inv.refresh()
    health = [e for e in seen if e.type == "backend.health_changed"]
    assert [e.data["healthy"] for e in health] == [False]


async def test_a_read_of_a_healthy_but_aging_inventory_is_answered_at_once() -> None:
    adapter = SlowAdapter()
    inv = inventory(adapter)
    await inv.ensure_fresh()
    inv.refreshed_at -= 60  # old, but nothing changed it
    await inv.ensure_fresh()
    assert adapter.calls == 1  # answered from what was known
    await asyncio.sleep(0.1)
    assert adapter.calls == 2 and not inv._stale(inv.max_age)  # refreshed behind the reader
    inv.close()


async def test_an_invalidated_inventory_is_refreshed_before_it_answers() -> None:
    adapter = SlowAdapter()
    inv = inventory(adapter)
    await inv.ensure_fresh()
    inv.invalidate()  # a change was made
    await inv.ensure_fresh()
    assert adapter.calls == 2
