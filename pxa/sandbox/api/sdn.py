"""`/cluster/sdn` (index and apply) and `/cluster/sdn/zones`."""

from __future__ import annotations

from typing import Any

from pxa.sandbox import sdn_apply, sdn_views
from pxa.sandbox.api.common import subdirs
from pxa.sandbox.api.sdn_common import AUDIT, LOCK_TOKEN, VIEW, check_ids, view_mode
from pxa.sandbox.errors import fail, param_error
from pxa.sandbox.formats import split_list
from pxa.sandbox.netif_state import network
from pxa.sandbox.params import Param, boolean, integer, string
from pxa.sandbox.routing import Call, Router, perm
from pxa.sandbox.sdn_rules import (
    ZONE_TYPES,
    check_zone_options,
    check_zone_refs,
    failed_as,
)
from pxa.sandbox.sdn_state import SdnState, sdn

ZONE_OPTIONS: tuple[Param, ...] = (
    boolean("advertise-subnets"),
    string("bridge"),
    boolean("bridge-disable-mac-learning"),
    string("controller"),
    string("dhcp", enum=("dnsmasq",)),
    boolean("disable-arp-nd-suppression"),
    string("dns"),
    string("dnszone", format="dns-name"),
    integer("dp-id"),
    string("exitnodes", format="pve-node-list"),
    boolean("exitnodes-local-routing"),
    string("exitnodes-primary", format="pve-node"),
    string("fabric"),
    string("ipam"),
    string("mac"),
    integer("mtu"),
    string("nodes", format="pve-node-list"),
    string("peers", format="ip-list"),
    string("reversedns"),
    string("rt-import"),
    integer("tag", minimum=0),
    string("vlan-protocol", enum=("802.1q", "802.1ad")),
    integer("vrf-vxlan", minimum=1, maximum=16777215),
    integer("vxlan-port", minimum=1, maximum=65536),
)
_OPTION_NAMES = tuple(p.name for p in ZONE_OPTIONS)
ZONE = perm("/sdn/zones/{zone}", "SDN.Allocate")


def register(r: Router) -> None:
    r.get("/cluster/sdn", sdn_index, perms=[perm("/sdn", "SDN.Audit")])
    r.put(
        "/cluster/sdn",
        apply,
        perms=[perm("/sdn", "SDN.Allocate")],
        params=[LOCK_TOKEN, boolean("release-lock")],
    )
    r.get("/cluster/sdn/zones", list_zones, params=[*VIEW, string("type", enum=ZONE_TYPES)])
    r.post(
        "/cluster/sdn/zones",
        create_zone,
        perms=[perm("/sdn/zones", "SDN.Allocate")],
        params=[
            string("zone", optional=False, format="pve-sdn-zone-id"),
            string("type", optional=False, enum=ZONE_TYPES),
            *ZONE_OPTIONS,
            LOCK_TOKEN,
        ],
    )
    r.get("/cluster/sdn/zones/{zone}", get_zone, perms=[ZONE], params=VIEW)
    r.put(
        "/cluster/sdn/zones/{zone}",
        update_zone,
        perms=[ZONE],
        params=[
            *ZONE_OPTIONS,
            string("delete", format="pve-configid-list", max_length=4096),
            string("digest", max_length=64),
            LOCK_TOKEN,
        ],
    )
    r.delete("/cluster/sdn/zones/{zone}", delete_zone, perms=[ZONE], params=[LOCK_TOKEN])


def sdn_index(call: Call) -> list[dict[str, str]]:
    return subdirs("vnets", "zones", "controllers", "ipams", "dns", "fabrics", key="id")


def apply(call: Call) -> str:
    return sdn_apply.apply(call.world, call.principal.actor, call.now)


def list_zones(call: Call) -> list[dict[str, Any]]:
    state, mode = sdn(call.world), view_mode(call)
    digest = None if any(mode.values()) else state.digest("zones")
    rows = []
    for ident, section in sorted(sdn_views.view(state, "zones", **mode).items()):
        if not any(call.principal.can(f"/sdn/zones/{ident}", p) for p in AUDIT):
            continue
        if call.get("type") and section.get("type") != call.get("type"):
            continue
        rows.append(sdn_views.item("zones", ident, section, digest))
    return rows


def get_zone(call: Call) -> dict[str, Any]:
    check_ids(call, "zone")
    state, mode, zone = sdn(call.world), view_mode(call), call.params["zone"]
    sections = sdn_views.view(state, "zones", **mode)
    if zone not in sections:
        raise fail(f"sdn zone '{zone}' does not exist")
    digest = None if any(mode.values()) else state.digest("zones")
    return sdn_views.item("zones", zone, sections[zone], digest)


def _options(call: Call) -> dict[str, Any]:
    return {key: call.params[key] for key in _OPTION_NAMES if key in call.params}


def create_zone(call: Call) -> None:
    check_ids(call, "zone")
    zone, kind, options = call.params["zone"], call.params["type"], _options(call)
    check_zone_options(kind, options, create=True)
    state = sdn(call.world)
    with failed_as("create", "zone"):
        if zone in state.config["zones"]:
            raise fail(f"sdn zone object ID '{zone}' already defined")
        check_zone_refs(options)
        _check_bridge(call, options)
        state.config["zones"][zone] = {"type": kind, **options}
    return None


def _check_bridge(call: Call, options: dict[str, Any]) -> None:
    # PVE only notices a missing bridge when the zone is applied; the sandbox refuses early.
    bridge = options.get("bridge")
    if not bridge:
        return
    spans = split_list(options.get("nodes") or "") or sorted(call.world.nodes)
    nets = network(call.world)
    for node in spans:
        if bridge not in nets.running.get(node, {}):
            raise fail(f"can't find bridge {bridge} on node {node}")


def update_zone(call: Call) -> None:
    check_ids(call, "zone")
    state, zone = sdn(call.world), call.params["zone"]
    with failed_as("update", "zone"):
        if call.get("digest") and call.get("digest") != state.digest("zones"):
            raise fail("detected modified configuration - file changed by other user? Try again.")
        section = state.get("zones", zone)
        options = _options(call)
        check_zone_options(section["type"], options, create=False)
        changed = dict(section)
        for key in split_list(call.get("delete") or ""):
            changed.pop(key, None)
        changed.update(options)
        if changed.get("ipam") != section.get("ipam") and _zone_has_subnets(state, zone):
            raise param_error(
                {"ipam": "can't change ipam if a subnet is already defined in this zone"}
            )
        check_zone_refs(options)
        _check_bridge(call, changed)
        state.config["zones"][zone] = changed
    return None


def _zone_has_subnets(state: SdnState, zone: str) -> bool:
    return any(ident.split("-", 1)[0] == zone for ident in state.config["subnets"])


def delete_zone(call: Call) -> None:
    check_ids(call, "zone")
    state, zone = sdn(call.world), call.params["zone"]
    with failed_as("delete", "zone"):
        state.get("zones", zone)
        for vnet, section in sorted(state.config["vnets"].items()):
            if section.get("zone") == zone:
                raise fail(
                    f"zone {zone} is used by vnet {vnet} at "
                    "/usr/share/perl5/PVE/Network/SDN/Zones/Plugin.pm line 139."
                )
        del state.config["zones"][zone]
    return None
