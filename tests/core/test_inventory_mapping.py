"""The inventory maps a guest afresh only when more than its usage figures changed."""

from __future__ import annotations

import asyncio
from typing import Any

from pxa.core.inventory import Inventory
from pxa.events import EventBus


class ScriptedAdapter:
    """Stands in for the PVE adapter: each refresh returns the next list of rows."""

    def __init__(self, *snapshots: list[dict[str, Any]]) -> None:
        self.snapshots = list(snapshots)

    async def resources(self) -> list[dict[str, Any]]:
        return self.snapshots.pop(0)


def row(**changes: Any) -> dict[str, Any]:
    base = {
        "type": "qemu", "vmid": 101, "name": "web-01", "node": "pve1", "status": "running",
        "maxcpu": 2, "maxmem": 2 * 1024**3, "maxdisk": 32 * 1024**3, "cpu": 0.10,
        "mem": 1024**3, "uptime": 100, "tags": "production;web",
    }  # fmt: skip
    return {**base, **changes}


async def inventory_after(*snapshots: list[dict[str, Any]]) -> Inventory:
    inventory = Inventory(ScriptedAdapter(*snapshots), EventBus())  # type: ignore[arg-type]
    for _ in snapshots:
        await inventory.refresh()
        inventory.vms()
    return inventory


async def test_a_refresh_that_moves_usage_shows_the_new_figures() -> None:
    inventory = await inventory_after([row()], [row(cpu=0.5, mem=2 * 1024**3, uptime=160)])
    [vm] = inventory.vms()
    assert (vm.cpu_usage_percent, vm.memory_usage_percent, vm.uptime_seconds) == (50.0, 100.0, 160)
    assert (vm.name, vm.tags, vm.environment) == ("web-01", ["production", "web"], "production")


async def test_a_refresh_hands_out_new_objects_so_views_can_tell_what_changed() -> None:
    inventory = Inventory(ScriptedAdapter([row()], [row(cpu=0.5)]), EventBus())  # type: ignore[arg-type]
    await inventory.refresh()
    [before] = inventory.vms()
    await inventory.refresh()
    [after] = inventory.vms()
    assert after is not before and before.cpu_usage_percent == 10.0


async def test_a_renamed_or_stopped_guest_is_mapped_afresh() -> None:
    inventory = await inventory_after([row()], [row(name="web-02", status="stopped", uptime=0)])
    [vm] = inventory.vms()
    assert (vm.name, vm.status, vm.uptime_seconds) == ("web-02", "stopped", None)


async def test_facts_learnt_from_a_config_reach_the_list() -> None:
    inventory = await inventory_after([row()], [row(cpu=0.3)])
    inventory.remember("vm-101", {"ip_address": "192.168.1.20"})
    [vm] = inventory.vms()
    assert vm.ip_address == "192.168.1.20"
    inventory.forget("vm-101")
    [vm] = inventory.vms()
    assert vm.ip_address is None


async def test_facts_learnt_while_a_refresh_maps_are_not_lost() -> None:
    inventory = Inventory(ScriptedAdapter([row()], [row(cpu=0.2)]), EventBus())  # type: ignore[arg-type]
    await inventory.refresh()
    refreshing = asyncio.create_task(inventory.refresh())
    await asyncio.sleep(0)  # the refresh is under way
    inventory.remember("vm-101", {"ip_address": "192.168.1.21"})
    await refreshing
    [vm] = inventory.vms()
    assert vm.ip_address == "192.168.1.21" and vm.cpu_usage_percent == 20.0


def test_copying_usage_in_gives_the_same_vm_as_mapping_afresh() -> None:
    from pxa.proxmox.mapping import vm_from_resource, with_live_usage

    known = {"ip_address": "192.168.1.20", "created_at": "2025-01-02T03:04:05Z"}
    newer = row(cpu=0.42, mem=512 * 1024**2, uptime=999)
    copied = with_live_usage(vm_from_resource(row(), known), newer)
    fresh = vm_from_resource(newer, known)
    assert copied == fresh and copied.model_dump() == fresh.model_dump()
    assert copied.model_copy(update={"name": "x"}).name == "x"
