"""The data sources of a guest's and a node's RRD, with their levels from the live stats.

Levels are the means of `stats.guest_stats` (cpu, memory share, byte rates) and of
`views.node_stats` (6 GiB for the host, plus what its running guests use), so the
newest RRD point agrees with `status/current`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from pxa.sandbox import rrd
from pxa.sandbox.rrd_history import created_at, guest_uptime, node_uptime
from pxa.sandbox.stats import PROFILES, unit
from pxa.sandbox.topology import GiB

if TYPE_CHECKING:
    from pxa.sandbox.guests import Guest
    from pxa.sandbox.topology import Node
    from pxa.sandbox.world import World

ENVS = ("production", "staging", "development")
HOST_MEMORY = 6 * GiB  # what the host itself uses, as views.node_stats counts it


def environment(g: Guest) -> str:
    tags = str(g.config.get("tags", "")).split(";")
    return next((env for env in ENVS if env in tags), "production")


def levels(g: Guest, seed: int) -> dict[str, float]:
    """The means `guest_stats` oscillates around."""
    cpu0, mem0, nin, nout, dread, dwrite = PROFILES.get(g.profile, PROFILES["app"])
    k = unit(seed, g.vmid)
    scale = 0.5 + k
    return {
        "cpu": cpu0 * (0.6 + k),
        "mem": mem0 * (0.8 + 0.4 * k),
        "netin": nin * scale,
        "netout": nout * scale,
        "diskread": dread * scale,
        "diskwrite": dwrite * scale,
        "pressure": unit(seed, g.vmid, 3) * 0.02,
        "phase": k * 2 * math.pi,
    }


def guest_rows(world: World, g: Guest, timeframe: str, cf: str, now: float) -> list[dict[str, Any]]:
    lv = levels(g, world.seed)
    maxmem = g.maxmem
    paused = g.power == "paused"

    def values(b: rrd.Bucket) -> dict[str, float]:
        up = 1 + b.burst
        # A paused guest idles: its newest points fall to nothing, as its live cpu does.
        busy = 1 - b.recent if paused else 1.0
        cpu = min(0.99, lv["cpu"] * b.shape) * busy
        share = lv["mem"] + 0.04 * math.sin(b.t / 311 + lv["phase"]) + 0.05 * (b.shape - 1)
        mem = maxmem * min(0.97, max(0.05, share)) * (1 + b.burst / 10)
        pressure = lv["pressure"] * b.shape * up
        out = {
            "cpu": min(1.0, cpu * up),
            "mem": min(float(maxmem), mem),
            "memhost": min(float(maxmem), mem),
            "pressurecpusome": pressure,
            "pressurecpufull": pressure / 2,
            "pressureiosome": pressure * 0.6,
            "pressureiofull": pressure * 0.3,
            "pressurememorysome": pressure * 0.2,
            "pressurememoryfull": pressure * 0.1,
        }
        for key in ("netin", "netout", "diskread", "diskwrite"):
            out[key] = lv[key] * b.io * up * busy
        return out

    disk = int(g.maxdisk * 0.31) if g.kind == "lxc" else 0  # as views._guest_disk
    since = created_at(g)
    ran = [(max(a, since), b) for a, b in guest_uptime(world, g) if b > since]
    return rrd.series(
        timeframe=timeframe,
        cf=cf,
        now=now,
        salt=(world.seed, g.vmid),
        env=environment(g),
        uptime=ran,
        since=since,
        values=values,
        static={"maxcpu": g.cpus, "maxmem": maxmem, "maxdisk": g.maxdisk, "disk": disk},
    )


def node_levels(world: World, node: Node) -> dict[str, float]:
    """Sums over the guests running on the node now, the base of its own curve."""
    cpu = 0.02 * node.cpus
    mem = float(HOST_MEMORY)
    net_in = net_out = 40_000.0
    for g in world.guests.values():
        if g.node == node.name and g.running:
            lv = levels(g, world.seed)
            cpu += lv["cpu"] * g.cpus
            mem += lv["mem"] * g.maxmem
            net_in += lv["netin"]
            net_out += lv["netout"]
    return {"cpu": min(0.95, cpu / node.cpus), "mem": mem, "netin": net_in, "netout": net_out}


def node_rows(
    world: World, node: Node, timeframe: str, cf: str, now: float
) -> list[dict[str, Any]]:
    lv = node_levels(world, node)
    year = 365 * 86400
    sizes = {
        "maxcpu": node.cpus,
        "memtotal": node.maxmem,
        "swaptotal": 8 * GiB,
        "roottotal": node.rootfs,
    }

    def values(b: rrd.Bucket) -> dict[str, float]:
        up = 1 + b.burst
        cpu = min(1.0, lv["cpu"] * b.shape * up)
        used = min(node.maxmem * 0.95, lv["mem"] * (1 + 0.03 * (b.shape - 1)))
        # MAX keeps each source's own peak: the most memory used, and the most left free.
        used_peak, free_peak = used * (1 + b.burst / 10), node.maxmem - used * (1 - b.burst / 10)
        age = min(1.0, max(0.0, (now - b.t) / year))
        # A node that is down writes nothing, so its sizes are values like the rest.
        return {
            **sizes,
            "loadavg": cpu * node.cpus * (0.9 + 0.2 * unit(world.seed, node.nodeid, b.t)),
            "cpu": cpu,
            "iowait": (0.002 + 0.02 * cpu) * up,
            "memused": min(float(node.maxmem), used_peak),
            "memavailable": free_peak,
            "swapused": 0,
            "rootused": node.rootfs * 0.18 * (1 - 0.04 * age),
            "netin": lv["netin"] * b.io * up,
            "netout": lv["netout"] * b.io * up,
            "arcsize": 0,
            "pressurecpusome": 0.002 + 0.05 * cpu,
            "pressureiosome": 0.001 + 0.01 * cpu * up,
            "pressureiofull": 0.0005 + 0.005 * cpu * up,
            "pressurememorysome": 0,
            "pressurememoryfull": 0,
        }

    return rrd.series(
        timeframe=timeframe,
        cf=cf,
        now=now,
        salt=(world.seed, 1_000_000 + node.nodeid),
        env="production",
        uptime=node_uptime(node),
        since=node_uptime(node)[0][0],
        values=values,
        static={},
    )
