"""`/version`, `/cluster`, `/cluster/resources`, `/cluster/status`, `/cluster/nextid`."""

from __future__ import annotations

import json
from typing import Any

from pxa.sandbox import sdn_views, views, wire
from pxa.sandbox.api.common import index
from pxa.sandbox.errors import param_error
from pxa.sandbox.params import integer, string
from pxa.sandbox.routing import Call, Router, perm
from pxa.sandbox.topology import PVE_RELEASE, PVE_REPOID, PVE_VERSION

RESOURCE_TYPES = ("vm", "storage", "node", "sdn")


def register(r: Router) -> None:
    r.get("/version", version)
    r.get(
        "/cluster",
        index(
            "log",
            "options",
            "resources",
            "tasks",
            "backup",
            "backup-info",
            "ha",
            "status",
            "sdn",
            "firewall",
            "nextid",
            key="name",
        ),
    )
    r.get("/cluster/resources", resources, params=[string("type", enum=RESOURCE_TYPES)])
    r.get("/cluster/status", status, perms=[perm("/", "Sys.Audit")])
    r.get("/cluster/nextid", nextid, params=[integer("vmid", minimum=100, maximum=999999999)])


def version(call: Call) -> dict[str, Any]:
    return {
        "version": PVE_VERSION,
        "release": PVE_RELEASE,
        "repoid": PVE_REPOID,
        "console": "html5",
    }


class _ResourceCache:
    """At 10,000 guests the reply is megabytes; build it once per world change and second."""

    def __init__(self) -> None:
        self.key: tuple[Any, ...] | None = None
        self.payload = b""


_cache = _ResourceCache()


def resources(call: Call) -> wire.Response:
    world, kind, p = call.world, call.get("type"), call.principal
    key = (
        id(world),
        world.version,
        int(call.now),
        kind,
        p.privs,
        tuple(sorted(world.faults.offline_nodes)),
        tuple(sorted(world.faults.offline_storages)),
    )
    if _cache.key == key:
        return wire.raw_ok(_cache.payload)
    usage = views.node_usage(world, call.now)
    items: list[dict[str, Any]] = []
    if kind in (None, "vm") and p.can("/vms", "VM.Audit"):
        items += [views.guest_resource(world, g, call.now) for g in world.guests.values()]
    if kind in (None, "storage") and p.can("/storage", "Datastore.Audit"):
        for node in world.nodes.values():
            items += views.storage_resources(world, node, usage[node.name])
    if kind in (None, "node") and p.can("/nodes", "Sys.Audit"):
        items += [
            views.node_resource(world, n, call.now, usage[n.name]) for n in world.nodes.values()
        ]
    if kind in (None, "sdn") and p.can("/sdn", "SDN.Audit"):
        items += sdn_views.resource_rows(world)
    _cache.key = key
    _cache.payload = json.dumps({"data": items}, separators=(",", ":")).encode()
    return wire.raw_ok(_cache.payload)


def status(call: Call) -> list[dict[str, Any]]:
    world = call.world
    online = [n for n in world.nodes.values() if world.is_online(n.name)]
    rows: list[dict[str, Any]] = [
        {
            "type": "cluster",
            "id": "cluster",
            "name": world.cluster_name,
            "nodes": len(world.nodes),
            "quorate": int(len(online) * 2 > len(world.nodes)),
            "version": len(world.nodes) + 2,
        }
    ]
    for n in world.nodes.values():
        rows.append(
            {
                "type": "node",
                "id": f"node/{n.name}",
                "name": n.name,
                "nodeid": n.nodeid,
                "ip": n.ip,
                "online": int(world.is_online(n.name)),
                "local": int(n.nodeid == 1),
                "level": "",
            }
        )
    return rows


def nextid(call: Call) -> str:
    wanted = call.get("vmid")
    if wanted is not None:
        if wanted in call.world.guests:
            raise param_error({"vmid": f"VM {wanted} already exists"})
        return str(wanted)
    # The wire carries a string here, although the schema says integer.
    return str(call.world.next_vmid())
