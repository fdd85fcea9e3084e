"""`rrddata` of nodes, VMs and containers.

The node's call also takes `decade`; the guests' calls do not (neither the 9.1 schema
nor qemu-server 9.2 accept it). An offline node's calls fail like its others (595).
"""

from __future__ import annotations

from typing import Any

from pxa.sandbox.api.common import AUDIT
from pxa.sandbox.params import string
from pxa.sandbox.routing import Call, Router, perm
from pxa.sandbox.rrd import TIMEFRAMES
from pxa.sandbox.rrd_sources import guest_rows, node_rows

CF = string("cf", enum=("AVERAGE", "MAX"))
NODE_FRAMES = tuple(TIMEFRAMES)
GUEST_FRAMES = tuple(t for t in TIMEFRAMES if t != "decade")


def register(r: Router) -> None:
    r.get(
        "/nodes/{node}/rrddata",
        node_rrd,
        perms=[perm("/nodes/{node}", "Sys.Audit")],
        params=[string("timeframe", optional=False, enum=NODE_FRAMES), CF],
    )
    guest_params = [string("timeframe", optional=False, enum=GUEST_FRAMES), CF]
    r.get("/nodes/{node}/qemu/{vmid}/rrddata", qemu_rrd, perms=[AUDIT], params=guest_params)
    r.get("/nodes/{node}/lxc/{vmid}/rrddata", lxc_rrd, perms=[AUDIT], params=guest_params)


def node_rrd(call: Call) -> list[dict[str, Any]]:
    node = call.world.nodes[call.node]
    return node_rows(call.world, node, call.params["timeframe"], _cf(call), call.now)


def qemu_rrd(call: Call) -> list[dict[str, Any]]:
    g = call.world.guest_on(call.node, call.vmid)
    return guest_rows(call.world, g, call.params["timeframe"], _cf(call), call.now)


def lxc_rrd(call: Call) -> list[dict[str, Any]]:
    g = call.world.guest_on(call.node, call.vmid, kind="lxc")
    return guest_rows(call.world, g, call.params["timeframe"], _cf(call), call.now)


def _cf(call: Call) -> str:
    return str(call.get("cf") or "AVERAGE")
