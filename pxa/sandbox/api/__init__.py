"""The PVE API surface, one module per area; each registers its routes."""

from __future__ import annotations

from pxa.sandbox.api import (
    access,
    agent,
    cluster,
    firewall,
    lxc,
    nodes,
    qemu,
    qemu_config,
    qemu_disks,
    qemu_power,
    snapshots,
    tasks,
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
)


def build_router() -> Router:
    router = Router()
    for area in AREAS:
        area.register(router)
    return router
