"""How guests, nodes and storages look in list and status replies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pxa.sandbox import storage_views
from pxa.sandbox.guests import Guest
from pxa.sandbox.stats import guest_stats, unit
from pxa.sandbox.topology import KERNEL, MACHINE, PVE_VERSION, QEMU_VERSION, GiB, Node

if TYPE_CHECKING:
    from pxa.sandbox.world import World


def guest_resource(world: World, g: Guest, now: float) -> dict[str, Any]:
    """An entry of /cluster/resources (type qemu or lxc)."""
    item: dict[str, Any] = {
        "id": f"{g.kind}/{g.vmid}",
        "type": g.kind,
        "vmid": g.vmid,
        "node": g.node,
        "name": g.name,
        "template": int(g.template),
    }
    if "tags" in g.config:
        item["tags"] = g.config["tags"]
    if g.lock:
        item["lock"] = g.lock
    if not world.is_online(g.node):
        item["status"] = "unknown"  # no RRD data from an unreachable node: no stats either
        return item
    s = guest_stats(g, now, world.seed)
    item.update(
        status="running" if g.running else "stopped",
        uptime=s["uptime"],
        maxcpu=g.cpus,
        cpu=s["cpu"],
        maxmem=g.maxmem,
        mem=s["mem"],
        maxdisk=g.maxdisk,
        disk=_guest_disk(g),
        netin=s["netin"],
        netout=s["netout"],
        diskread=s["diskread"],
        diskwrite=s["diskwrite"],
    )
    if g.kind == "qemu":
        item["memhost"] = s["mem"]
    return item


def _guest_disk(g: Guest) -> int:
    # QEMU reports no filesystem usage without the agent's help; containers do.
    return int(g.maxdisk * 0.31) if g.kind == "lxc" else 0


def qemu_status(world: World, g: Guest, now: float, *, full: bool = True) -> dict[str, Any]:
    """`status/current` of a VM; the list `/nodes/{node}/qemu` shows the same per VM."""
    s = guest_stats(g, now, world.seed)
    item: dict[str, Any] = {
        "vmid": g.vmid,
        "name": g.name,
        "status": "running" if g.running else "stopped",
        "cpus": g.cpus,
        "maxmem": g.maxmem,
        "maxdisk": g.maxdisk,
        "cpu": s["cpu"],
        "mem": s["mem"],
        "uptime": s["uptime"],
        "netin": s["netin"],
        "netout": s["netout"],
        "diskread": s["diskread"],
        "diskwrite": s["diskwrite"],
    }
    if g.running:
        item["pid"] = 10000 + g.vmid * 13 % 900000
        item["memhost"] = s["mem"]
    if "tags" in g.config:
        item["tags"] = g.config["tags"]
    if g.lock:
        item["lock"] = g.lock
    if g.template:
        item["template"] = 1
    if full:
        item["qmpstatus"] = g.power if g.running else "stopped"
        if g.running:
            item["running-machine"] = MACHINE
            item["running-qemu"] = QEMU_VERSION
            for key in ("cpu", "io", "memory"):
                base = round(unit(world.seed, g.vmid, len(key)) * 0.02, 4)
                item[f"pressure{key}some"] = base
                item[f"pressure{key}full"] = round(base / 2, 4)
    return item


def qemu_current(world: World, g: Guest, now: float) -> dict[str, Any]:
    item = qemu_status(world, g, now)
    item["ha"] = {"managed": 0}
    agent = str(g.config.get("agent", "0"))
    item["agent"] = 1 if agent.split(",")[0] in ("1", "enabled=1") else 0
    return item


def lxc_status(world: World, g: Guest, now: float) -> dict[str, Any]:
    s = guest_stats(g, now, world.seed)
    item: dict[str, Any] = {
        "vmid": g.vmid,
        "name": g.name,
        "status": "running" if g.running else "stopped",
        "cpus": g.cpus,
        "maxmem": g.maxmem,
        "maxdisk": g.maxdisk,
        "maxswap": int(g.config.get("swap", 512)) << 20,
        "disk": _guest_disk(g),
        "cpu": s["cpu"],
        "mem": s["mem"],
        "uptime": s["uptime"],
        "netin": s["netin"],
        "netout": s["netout"],
        "diskread": s["diskread"],
        "diskwrite": s["diskwrite"],
    }
    if "tags" in g.config:
        item["tags"] = g.config["tags"]
    if g.lock:
        item["lock"] = g.lock
    if g.template:
        item["template"] = 1
    return item


def node_usage(world: World, now: float) -> dict[str, dict[str, float]]:
    """cpu and memory use per node, summed over its guests."""
    usage = {name: {"cpu": 0.0, "mem": 0.0} for name in world.nodes}
    for g in world.guests.values():
        u = usage.get(g.node)
        if u is not None and g.running:
            s = guest_stats(g, now, world.seed)
            u["cpu"] += float(s["cpu"]) * g.cpus
            u["mem"] += float(s["mem"])
    return usage


def node_stats(world: World, node: Node, now: float, used: dict[str, float]) -> dict[str, Any]:
    base_cpu = 0.015 + 0.01 * unit(world.seed, node.nodeid, int(now) // 10)
    return {
        "cpu": round(min(0.99, base_cpu + used["cpu"] / node.cpus), 6),
        "maxcpu": node.cpus,
        "mem": int(6 * GiB + used["mem"]),
        "maxmem": node.maxmem,
        "disk": int(node.rootfs * 0.18),
        "maxdisk": node.rootfs,
        "uptime": int(now - node.boot_time),
    }


def node_resource(world: World, node: Node, now: float, used: dict[str, float]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": f"node/{node.name}",
        "type": "node",
        "node": node.name,
        "level": "",
    }
    if not world.is_online(node.name):
        item["status"] = "offline"
        return item
    item.update(status="online", **node_stats(world, node, now, used))
    item["cgroup-mode"] = 2
    return item


def storage_resources(world: World, node: Node, used: dict[str, float]) -> list[dict[str, Any]]:
    """Storage entries of /cluster/resources for one node, from the storage state."""
    return storage_views.cluster_rows(world, node.name)


def kernel_info() -> dict[str, str]:
    return {
        "sysname": "Linux",
        "release": KERNEL,
        "machine": "x86_64",
        "version": "#1 SMP PREEMPT_DYNAMIC PMX 6.14.11-4 (2025-10-10T08:04Z)",
    }


def pveversion() -> str:
    return f"pve-manager/{PVE_VERSION}/42d3c8a1d3ba8a4e"
