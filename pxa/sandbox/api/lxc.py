"""`/nodes/{node}/lxc`: containers, listed and with their current status."""

from __future__ import annotations

from typing import Any

from pxa.sandbox import views
from pxa.sandbox.api.common import AUDIT
from pxa.sandbox.errors import fail
from pxa.sandbox.params import boolean, string
from pxa.sandbox.routing import Call, Router


def register(r: Router) -> None:
    r.get("/nodes/{node}/lxc", list_containers)
    r.get("/nodes/{node}/lxc/{vmid}/status/current", current, perms=[AUDIT])
    r.get(
        "/nodes/{node}/lxc/{vmid}/config",
        config,
        perms=[AUDIT],
        params=[boolean("current"), string("snapshot", max_length=40)],
    )


def list_containers(call: Call) -> list[dict[str, Any]]:
    p = call.principal
    return [
        views.lxc_status(call.world, g, call.now)
        for g in call.world.guests.values()
        if g.node == call.node and g.kind == "lxc" and p.can(f"/vms/{g.vmid}", "VM.Audit")
    ]


def config(call: Call) -> dict[str, Any]:
    """A container's config as pct writes it (`hostname`, `netN` with `ip=`, `rootfs`)."""
    g = call.world.guest_on(call.node, call.vmid, kind="lxc")
    if call.get("snapshot"):
        raise fail(f"snapshot '{call.get('snapshot')}' does not exist")
    return {**g.config, "digest": g.digest()}


def current(call: Call) -> dict[str, Any]:
    g = call.world.guest_on(call.node, call.vmid, kind="lxc")
    return {**views.lxc_status(call.world, g, call.now), "ha": {"managed": 0}}
