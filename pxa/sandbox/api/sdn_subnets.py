"""`/cluster/sdn/vnets/{vnet}/subnets` and `.../subnets/{subnet}`.

A subnet is stored as `<zone>-<network>-<prefixlen>` and read back with `cidr`,
`zone`, `network`, `mask`, and its DHCP ranges as objects.
"""

from __future__ import annotations

from typing import Any

from pxa.sandbox import sdn_views
from pxa.sandbox.api.sdn_common import AUDIT, LOCK_TOKEN, VIEW, check_ids, view_mode, vnet_access
from pxa.sandbox.errors import fail, param_error
from pxa.sandbox.formats import split_list
from pxa.sandbox.params import Param, boolean, string
from pxa.sandbox.routing import Call, Router
from pxa.sandbox.sdn_hooks import range_syntax, subnet
from pxa.sandbox.sdn_rules import failed_as, subnet_cidr
from pxa.sandbox.sdn_state import SdnState, subnet_id

SUBNET_OPTIONS: tuple[Param, ...] = (
    string("gateway", format="ip"),
    boolean("snat"),
    string("dnszoneprefix", format="dns-name"),
    Param("dhcp-range", "array", format="pve-sdn-dhcp-range"),
    string("dhcp-dns-server", format="ip"),
)
_OPTION_NAMES = tuple(p.name for p in SUBNET_OPTIONS)
BASE = "/cluster/sdn/vnets/{vnet}/subnets"
ALLOCATE = ("SDN.Allocate",)


def register(r: Router) -> None:
    r.get(BASE, list_subnets, params=VIEW)
    r.post(
        BASE,
        create_subnet,
        params=[
            string("subnet", optional=False, format="pve-sdn-subnet-id"),
            string("type", optional=False, enum=("subnet",)),
            *SUBNET_OPTIONS,
            LOCK_TOKEN,
        ],
    )
    r.get(f"{BASE}/{{subnet}}", get_subnet, params=VIEW)
    r.put(
        f"{BASE}/{{subnet}}",
        update_subnet,
        params=[
            *SUBNET_OPTIONS,
            string("delete", format="pve-configid-list", max_length=4096),
            string("digest", max_length=64),
            LOCK_TOKEN,
        ],
    )
    r.delete(f"{BASE}/{{subnet}}", delete_subnet, params=[LOCK_TOKEN])


def list_subnets(call: Call) -> list[dict[str, Any]]:
    state, _ = vnet_access(call, AUDIT)
    mode, vnet = view_mode(call), call.params["vnet"]
    digest = None if any(mode.values()) else state.digest("subnets")
    return [
        sdn_views.item("subnets", ident, section, digest)
        for ident, section in sorted(sdn_views.view(state, "subnets", **mode).items())
        if section.get("vnet") == vnet
    ]


def get_subnet(call: Call) -> dict[str, Any]:
    state, _ = vnet_access(call, AUDIT)
    check_ids(call, "subnet")
    mode, ident = view_mode(call), call.params["subnet"]
    sections = sdn_views.view(state, "subnets", **mode)
    if ident not in sections:
        raise fail(f"sdn subnet '{ident}' does not exist")
    if sections[ident].get("vnet") != call.params["vnet"]:
        raise param_error({"vnet": "wrong vnet"})
    digest = None if any(mode.values()) else state.digest("subnets")
    return sdn_views.item("subnets", ident, sections[ident], digest)


def _options(call: Call) -> dict[str, Any]:
    options = {key: call.params[key] for key in _OPTION_NAMES if key in call.params}
    for text in options.get("dhcp-range", []):
        try:
            range_syntax(text)
        except ValueError as exc:
            raise param_error({"dhcp-range": f"invalid format - {exc}"}) from None
    return options


def _hook(state: SdnState, ident: str, section: dict[str, Any]) -> None:
    cidr = "/".join(ident.split("-", 2)[1:])
    vnet = section["vnet"]
    subnet(cidr, section, state.config["vnets"].get(vnet), vnet)


def create_subnet(call: Call) -> None:
    state, vnet = vnet_access(call, ALLOCATE)
    check_ids(call, "subnet")
    options = _options(call)
    cidr = subnet_cidr(call.params["subnet"])
    with failed_as("create", "subnet"):
        ident = subnet_id(str(vnet.get("zone")), cidr)
        if ident in state.config["subnets"]:
            raise fail(f"sdn subnet object ID '{ident}' already defined")
        section = {"type": "subnet", "vnet": call.params["vnet"], **options}
        _hook(state, ident, section)
        state.config["subnets"][ident] = section
    return None


def update_subnet(call: Call) -> None:
    state, _ = vnet_access(call, ALLOCATE)
    check_ids(call, "subnet")
    options, ident = _options(call), call.params["subnet"]
    with failed_as("update", "subnet"):
        old = state.get("subnets", ident)
        if call.get("digest") and call.get("digest") != state.digest("subnets"):
            raise fail("detected modified configuration - file changed by other user? Try again.")
        section = dict(old)
        for key in split_list(call.get("delete") or ""):
            section.pop(key, None)
        section.update(options)
        _hook(state, ident, section)
        state.config["subnets"][ident] = section
    return None


def delete_subnet(call: Call) -> None:
    state, _ = vnet_access(call, ALLOCATE)
    check_ids(call, "subnet")
    with failed_as("delete", "subnet"):
        state.get("subnets", call.params["subnet"])
        del state.config["subnets"][call.params["subnet"]]
    return None
