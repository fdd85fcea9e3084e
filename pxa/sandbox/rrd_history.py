"""When a guest or node was up, back through time, for the RRD series.

The world only knows a guest's current power state, so its past is rebuilt from what
is known: its creation time (`meta: ctime=`), the start and stop tasks it ran in the
sandbox, and for lab guests a seeded story before the sandbox began (a running guest
rebooted shortly before its `started_at`; a stopped one went down some days before).
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from pxa.sandbox.lab import BASE_EPOCH
from pxa.sandbox.stats import unit

if TYPE_CHECKING:
    from pxa.sandbox.guests import Guest
    from pxa.sandbox.topology import Node
    from pxa.sandbox.world import World

Interval = tuple[float, float]
INF = math.inf
STARTS = frozenset(("qmstart", "vzstart"))
STOPS = frozenset(("qmstop", "qmshutdown", "qmsuspend", "vzstop", "vzshutdown"))
NODE_INSTALLED = BASE_EPOCH - 400 * 86400  # the lab's nodes went into service in late 2023
_CTIME = re.compile(r"ctime=(\d+)")


def created_at(g: Guest) -> float:
    m = _CTIME.search(str(g.config.get("meta", "")))
    return float(m.group(1)) if m else -INF


def guest_uptime(world: World, g: Guest) -> list[Interval]:
    """Intervals in which the guest ran (the last one open-ended if it runs now)."""
    if g.template:
        return []
    events = sorted(
        (float(t.endtime or t.end), t.type in STARTS)
        for t in world.tasks.tasks
        if t.id == str(g.vmid)
        and t.type in STARTS | STOPS
        and t.start >= world.created  # the lab's own history tasks are only decoration
        and t.status == "stopped"
        and not t.is_error()
    )
    salt = (world.seed, g.vmid)
    intervals: list[Interval] = []
    if created_at(g) < world.created:  # a lab guest: seed the time before the sandbox
        up_before = not events[0][1] if events else g.running
        if up_before and not events and g.started_at is not None:
            gap = 60 + 840 * unit(*salt, 1)
            intervals = [(-INF, g.started_at - gap), (g.started_at, INF)]
        elif up_before:
            intervals = [(-INF, INF)]
        else:
            intervals = [(-INF, world.created - 7200 - 30 * 86400 * unit(*salt, 2))]
    for at, started in events:
        running = bool(intervals) and intervals[-1][1] == INF
        if started and not running:
            intervals.append((at, INF))
        elif not started and running:
            intervals[-1] = (intervals[-1][0], at)
    if g.running and g.started_at is not None:  # the world's start time is the last word
        if intervals and intervals[-1][1] == INF:
            intervals.pop()
        intervals.append((g.started_at, INF))
    elif intervals and intervals[-1][1] == INF:
        intervals[-1] = (intervals[-1][0], events[-1][0] if events else world.created)
    return intervals


def node_uptime(node: Node) -> list[Interval]:
    """In service since installation, with a short reboot before the current boot."""
    return [(NODE_INSTALLED, node.boot_time - 180), (node.boot_time, INF)]


def overlap(start: float, end: float, intervals: list[Interval]) -> float:
    return sum(max(0.0, min(end, b) - max(start, a)) for a, b in intervals)
