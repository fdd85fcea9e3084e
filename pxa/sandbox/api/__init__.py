"""The PVE API surface, one module per area; each registers its routes."""

from __future__ import annotations

from pxa.sandbox.api import (
    access,
    agent,
    apt,
    backup_jobs,
    cluster,
    cluster_firewall,
    content,
    firewall,
    lxc,
    network,
    node_firewall,
    node_storage,
    nodes,
    qemu,
    qemu_config,
    qemu_disks,
    qemu_power,
    rrd,
    sdn,
    sdn_firewall,
    sdn_subnets,
    sdn_vnets,
    snapshots,
    storage,
    tasks,
    upload,
    vzdump,
)
from pxa.sandbox.routing import Router

AREAS = (
    access,
    cluster,
    nodes,
    tasks,
    qemu,
    qemu_config,
    qemu_power,
    qemu_disks,
    snapshots,
    firewall,
    agent,
    lxc,
    network,
    rrd,
    sdn,
    sdn_vnets,
    sdn_subnets,
    sdn_firewall,
    storage,
    node_storage,
    content,
    upload,
    vzdump,
    backup_jobs,
    cluster_firewall,
    node_firewall,
    apt,
)


def build_router() -> Router:
    router = Router()
    for area in AREAS:
        area.register(router)
    return router
