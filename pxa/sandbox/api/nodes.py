"""`/nodes`, `/nodes/{node}`, `/nodes/{node}/status`, `/nodes/{node}/version`."""

from __future__ import annotations

from typing import Any

from pxa.sandbox import views
from pxa.sandbox.api.common import index
from pxa.sandbox.routing import Call, Router, perm
from pxa.sandbox.topology import PVE_RELEASE, PVE_REPOID, PVE_VERSION, GiB


def register(r: Router) -> None:
    r.get("/nodes", list_nodes)
    r.get(
        "/nodes/{node}",
        index(
            "qemu",
            "lxc",
            "status",
            "tasks",
            "version",
            "storage",
            "network",
            "rrddata",
            "vzdump",
            key="name",
        ),
        proxy=False,
    )
    r.get("/nodes/{node}/status", node_status, perms=[perm("/nodes/{node}", "Sys.Audit")])
    r.get("/nodes/{node}/version", node_version)


def list_nodes(call: Call) -> list[dict[str, Any]]:
    world = call.world
    usage = views.node_usage(world, call.now)
    rows = []
    for n in world.nodes.values():
        item: dict[str, Any] = {"node": n.name, "level": "", "ssl_fingerprint": world.fingerprint}
        if not world.is_online(n.name):
            item["status"] = "offline"
        else:
            item["status"] = "online"
            if call.principal.can(f"/nodes/{n.name}", "Sys.Audit"):
                stats = views.node_stats(world, n, call.now, usage[n.name])
                stats.pop("disk")
                stats.pop("maxdisk")
                item.update(stats)
        rows.append(item)
    return rows


def node_status(call: Call) -> dict[str, Any]:
    world = call.world
    n = world.nodes[call.node]
    usage = views.node_usage(world, call.now)[n.name]
    stats = views.node_stats(world, n, call.now, usage)
    load = stats["cpu"] * n.cpus
    return {
        "cpu": stats["cpu"],
        "wait": 0.0012,
        "uptime": stats["uptime"],
        "idle": 0,
        "loadavg": [f"{load:.2f}", f"{load * 0.93:.2f}", f"{load * 0.88:.2f}"],
        "cpuinfo": {
            "model": n.cpu_model,
            "cpus": n.cpus,
            "sockets": n.sockets,
            "cores": n.cpus // n.sockets // 2,
            "mhz": "3000.000",
            "hvm": "1",
            "user_hz": 100,
            "flags": "fpu vme de pse tsc msr pae mce cx8 apic",
        },
        "memory": {
            "total": n.maxmem,
            "used": stats["mem"],
            "free": n.maxmem - stats["mem"],
            "available": n.maxmem - stats["mem"],
        },
        "swap": {"total": 8 * GiB, "used": 0, "free": 8 * GiB},
        "rootfs": {
            "total": n.rootfs,
            "used": stats["disk"],
            "free": n.rootfs - stats["disk"],
            "avail": n.rootfs - stats["disk"],
        },
        "ksm": {"shared": 0},
        "kversion": f"Linux {views.kernel_info()['release']} {views.kernel_info()['version']}",
        "current-kernel": views.kernel_info(),
        "boot-info": {"mode": "efi", "secureboot": 0},
        "pveversion": views.pveversion(),
    }


def node_version(call: Call) -> dict[str, str]:
    return {"version": PVE_VERSION, "release": PVE_RELEASE, "repoid": PVE_REPOID}
