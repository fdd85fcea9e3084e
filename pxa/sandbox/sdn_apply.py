"""Applying network configuration: the SDN apply and each node's network reload.

`PUT /cluster/sdn` commits pending SDN config at once (as pve-network does, before it
forks) and starts a `reloadnetworkall` task; that task asks every node to reload,
which starts one `srvreload` task (id `networking`) per reachable node. A node
reload also makes its pending /etc/network/interfaces edits the running ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pxa.sandbox.netif_state import network
from pxa.sandbox.sdn_state import sdn
from pxa.sandbox.tasks import Task, effect

if TYPE_CHECKING:
    from pxa.sandbox.world import World

# Realistic durations in seconds, before the speed factor.
APPLY_SECONDS = 2.0
RELOAD_SECONDS = 1.5


def apply(world: World, user: str, now: float) -> str:
    sdn(world).commit()
    nodes = sorted(world.nodes)
    plan = [(i / len(nodes), f"{node}: reloading network config") for i, node in enumerate(nodes)]
    return world.spawn(
        node=local_node(world),
        kind="reloadnetworkall",
        ident="",
        user=user,
        action="sdn-reload-all",
        seconds=APPLY_SECONDS,
        now=now,
        plan=plan,
    )


def local_node(world: World) -> str:
    """The node that answered the request: the first one that is up."""
    return next((n for n in sorted(world.nodes) if world.is_online(n)), sorted(world.nodes)[0])


def reload_node(world: World, node: str, user: str, now: float) -> str:
    return world.spawn(
        node=node,
        kind="srvreload",
        ident="networking",
        user=user,
        action="network-reload",
        seconds=RELOAD_SECONDS,
        now=now,
        args={"node": node},
    )


@effect("sdn-reload-all")
def _reload_all(world: World, task: Task, at: float) -> list[str]:
    lines = []
    for node in sorted(world.nodes):
        if world.is_online(node):
            reload_node(world, node, task.user, at)
        else:
            # pvesh cannot reach the node; PVE only warns and carries on with the others.
            lines.append(f"command 'pvesh set /nodes/{node}/network' failed: exit code 255")
    return lines


@effect("network-reload")
def _reload(world: World, task: Task, at: float) -> list[str]:
    network(world).apply(str(task.args["node"]))
    return []
