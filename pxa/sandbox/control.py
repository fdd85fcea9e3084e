"""`/_sandbox/...`: run-time control outside `/api2/json`, for root only.

GET/PUT `/_sandbox/faults` reads and changes the faults (JSON or form body with
`latency_ms`, `error_rate`, `offline_nodes`, `offline_storages`, `vzdump_fail_rate`,
`api_down`, `down_seconds`);
GET `/_sandbox/info` reports the world's seed, size and clock.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pxa.sandbox import wire
from pxa.sandbox.errors import PveError, param_error
from pxa.sandbox.formats import split_list

if TYPE_CHECKING:
    from pxa.sandbox.app import SandboxApp

_FAULT_KEYS = {
    "latency_ms",
    "error_rate",
    "offline_nodes",
    "offline_storages",
    "vzdump_fail_rate",
    "api_down",
    "down_seconds",
}


def handle(app: SandboxApp, req: wire.Request) -> wire.Response:
    world = app.world
    if req.path == "/_sandbox/info" and req.method == "GET":
        with world.lock:
            data = {
                **app.info,
                "seed": world.seed,
                "vms": world.vm_count,
                "guests": len(world.guests),
                "speed": world.speed,
                "faults": world.faults.to_dict(),
            }
        return wire.ok(data)
    if req.path == "/_sandbox/faults":
        if req.method == "GET":
            return wire.ok(world.faults.to_dict())
        if req.method == "PUT":
            changes = _fault_changes(req, set(world.nodes))
            world.faults.update(changes)
            return wire.ok(world.faults.to_dict())
    raise PveError(501, f"Method '{req.method} {req.path}' not implemented")


def _fault_changes(req: wire.Request, nodes: set[str]) -> dict[str, Any]:
    if req.headers.get("content-type", "").startswith("application/json"):
        data = json.loads(req.body or b"{}")
    else:
        data = req.form()
    unknown = set(data) - _FAULT_KEYS
    if unknown:
        raise param_error(
            {
                k: "property is not defined in schema and the schema does not "
                "allow additional properties"
                for k in sorted(unknown)
            }
        )
    if isinstance(data.get("offline_nodes"), str):
        data["offline_nodes"] = split_list(data["offline_nodes"])
    for bad in set(data.get("offline_nodes", [])) - nodes:
        raise param_error({"offline_nodes": f"no such cluster node '{bad}'"})
    if isinstance(data.get("offline_storages"), str):
        data["offline_storages"] = split_list(data["offline_storages"])
    if isinstance(data.get("api_down"), str):
        data["api_down"] = data["api_down"] in ("1", "true")
    return data
