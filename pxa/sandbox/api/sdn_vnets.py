"""`/cluster/sdn/vnets` and `/cluster/sdn/vnets/{vnet}`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pxa.sandbox import sdn_views
from pxa.sandbox.api.sdn_common import AUDIT, LOCK_TOKEN, VIEW, check_ids, view_mode, vnet_access
from pxa.sandbox.errors import fail, param_error
from pxa.sandbox.formats import split_list
from pxa.sandbox.netcfg import parse_net
from pxa.sandbox.params import Param, boolean, integer, string
from pxa.sandbox.routing import Call, Router, perm
from pxa.sandbox.sdn_hooks import vnet_tag
from pxa.sandbox.sdn_rules import failed_as
from pxa.sandbox.sdn_state import SdnState, sdn

if TYPE_CHECKING:
    from pxa.sandbox.world import World

VNET_OPTIONS: tuple[Param, ...] = (
    string("alias", max_length=256, pattern=r"[\(\)-_.\w\d\s]{0,256}"),
    boolean("isolate-ports"),
    integer("tag", minimum=1, maximum=16777215),
    boolean("vlanaware"),
)
_OPTION_NAMES = ("alias", "isolate-ports", "tag", "vlanaware", "zone")
BASE = "/cluster/sdn/vnets"


def register(r: Router) -> None:
    r.get(BASE, list_vnets, params=VIEW)
    r.post(
        BASE,
        create_vnet,
        perms=[perm("/sdn/zones/{zone}", "SDN.Allocate")],
        params=[
            string("vnet", optional=False, format="pve-sdn-vnet-id"),
            string("zone", optional=False),
            string("type", enum=("vnet",)),
            *VNET_OPTIONS,
            LOCK_TOKEN,
        ],
    )
    r.get(f"{BASE}/{{vnet}}", get_vnet, params=VIEW)
    r.put(
        f"{BASE}/{{vnet}}",
        update_vnet,
        params=[
            string("zone"),
            *VNET_OPTIONS,
            string("delete", format="pve-configid-list", max_length=4096),
            string("digest", max_length=64),
            LOCK_TOKEN,
        ],
    )
    r.delete(f"{BASE}/{{vnet}}", delete_vnet, params=[LOCK_TOKEN])


def list_vnets(call: Call) -> list[dict[str, Any]]:
    state, mode = sdn(call.world), view_mode(call)
    digest = None if any(mode.values()) else state.digest("vnets")
    rows = []
    for ident, section in sorted(sdn_views.view(state, "vnets", **mode).items()):
        zone = section.get("zone") or section.get("pending", {}).get("zone")
        if any(call.principal.can(f"/sdn/zones/{zone}/{ident}", p) for p in AUDIT):
            rows.append(sdn_views.item("vnets", ident, section, digest))
    return rows


def get_vnet(call: Call) -> dict[str, Any]:
    state, _ = vnet_access(call, AUDIT)
    mode, vnet = view_mode(call), call.params["vnet"]
    sections = sdn_views.view(state, "vnets", **mode)
    if vnet not in sections:
        raise fail(f"sdn vnet '{vnet}' does not exist")
    digest = None if any(mode.values()) else state.digest("vnets")
    return sdn_views.item("vnets", vnet, sections[vnet], digest)


def _options(call: Call) -> dict[str, Any]:
    return {key: call.params[key] for key in _OPTION_NAMES if key in call.params}


def _zone_hook(state: SdnState, vnet: str, section: dict[str, Any]) -> None:
    zone = state.config["zones"].get(section.get("zone", ""))
    if zone is None:
        raise fail(f"sdn zone '{section.get('zone')}' does not exist")
    vnet_tag(zone["type"], vnet, section, state.config["vnets"])
    if section.get("vlanaware") and state.subnets_of(vnet):
        raise param_error({"vlanaware": "vlanaware vnet is not compatible with subnets"})


def create_vnet(call: Call) -> None:
    check_ids(call, "vnet")
    state, vnet = sdn(call.world), call.params["vnet"]
    with failed_as("create", "vnet"):
        if vnet in state.config["vnets"]:
            raise fail(f"sdn vnet object ID '{vnet}' already defined")
        section = {"type": "vnet", **_options(call)}
        _zone_hook(state, vnet, section)
        state.config["vnets"][vnet] = section
    return None


def update_vnet(call: Call) -> None:
    state, old = vnet_access(call, ("SDN.Allocate",))
    vnet = call.params["vnet"]
    with failed_as("update", "vnet"):
        if call.get("digest") and call.get("digest") != state.digest("vnets"):
            raise fail("detected modified configuration - file changed by other user? Try again.")
        section = dict(old)
        for key in split_list(call.get("delete") or ""):
            section.pop(key, None)
        section.update(_options(call))
        if not section.get("zone"):
            raise param_error({"zone": "cannot delete zone"})
        if section["zone"] != old.get("zone") and state.subnets_of(vnet):
            raise param_error({"zone": "can't change zone if subnets exist"})
        _zone_hook(state, vnet, section)
        state.config["vnets"][vnet] = section
    return None


def delete_vnet(call: Call) -> None:
    state, _ = vnet_access(call, ("SDN.Allocate",))
    vnet = call.params["vnet"]
    with failed_as("delete", "vnet"):
        if state.subnets_of(vnet):
            raise param_error({"vnet": "Can't delete vnet if subnets exists"})
        user = guest_using(call.world, vnet)
        if user:
            raise fail(f"vnet {vnet} is used by {user}")
        del state.config["vnets"][vnet]
    return None


def guest_using(world: World, vnet: str) -> str | None:
    """`VM 105 (net0)` for the first guest NIC bridged to the vnet (a sandbox check)."""
    for g in sorted(world.guests.values(), key=lambda g: g.vmid):
        for key, value in sorted(g.config.items()):
            if key.startswith("net") and key[3:].isdigit():
                bridge = _bridge(str(value), g.kind)
                if bridge == vnet:
                    return f"{'CT' if g.kind == 'lxc' else 'VM'} {g.vmid} ({key})"
    return None


def _bridge(value: str, kind: str) -> str | None:
    if kind == "lxc":
        parts = dict(p.split("=", 1) for p in value.split(",") if "=" in p)
        return parts.get("bridge")
    try:
        return parse_net(value).get("bridge")
    except ValueError:
        return None
