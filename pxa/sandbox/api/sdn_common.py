"""What the SDN API modules share: path parameters, id checks, vnet access."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pxa.sandbox.errors import param_error
from pxa.sandbox.params import Param, boolean, string
from pxa.sandbox.routing import PATH_PARAMS, Call
from pxa.sandbox.sdn_rules import object_id, subnet_cidr
from pxa.sandbox.sdn_state import SdnState, sdn

PATH_PARAMS.update(
    zone=string("zone", optional=False, format="pve-sdn-zone-id"),
    vnet=string("vnet", optional=False, format="pve-sdn-vnet-id"),
    subnet=string("subnet", optional=False, format="pve-sdn-subnet-id"),
)
LOCK_TOKEN = string("lock-token")
VIEW: tuple[Param, ...] = (boolean("pending"), boolean("running"))
AUDIT = ("SDN.Audit", "SDN.Allocate")

_ID_CHECKS: dict[str, Callable[[str], object]] = {
    "zone": lambda v: object_id("zone", v),
    "vnet": lambda v: object_id("vnet", v),
    "subnet": subnet_cidr,
}


def check_ids(call: Call, *names: str) -> None:
    """The `pve-sdn-*-id` formats, which the generic validator does not know."""
    errors = {}
    for name in names:
        if name in call.params:
            try:
                _ID_CHECKS[name](call.params[name])
            except ValueError as exc:
                errors[name] = f"invalid format - {exc}"
    if errors:
        raise param_error(errors)


def vnet_access(call: Call, privs: tuple[str, ...]) -> tuple[SdnState, dict[str, Any]]:
    """PVE's `check_vnet_access`: the vnet must exist, then the caller needs `privs` on it."""
    check_ids(call, "vnet")
    state = sdn(call.world)
    vnet = state.get("vnets", call.params["vnet"])
    path = f"/sdn/zones/{vnet.get('zone')}/{call.params['vnet']}"
    call.principal.check(path, privs, any_of=True)
    return state, vnet


def view_mode(call: Call) -> dict[str, bool]:
    return {"pending": bool(call.get("pending")), "running": bool(call.get("running"))}
