"""Network operations on PVE SDN: a VLAN zone's vnet plus its subnet, and vnet firewall rules.

Node bridges (vmbr0, ...) are listed too, read-only. Creating, changing or deleting a
network edits SDN's pending configuration and then applies it (`PUT /cluster/sdn`), a
task followed by a job. Rules live on the vnet's own firewall (PVE 8.3+ `forward` rules):
they belong to the network and go away with it, unlike a security group that every VM
would have to reference.
"""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime
from typing import Any

from pxa.core.catalogue import operation
from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.errors import Conflict, Invalid, NotFound, PxaError
from pxa.models.common import Risk
from pxa.models.network import (
    DhcpRange,
    FirewallRule,
    FirewallRuleCreate,
    FirewallRuleList,
    FirewallRuleRef,
    Network,
    NetworkChange,
    NetworkCreate,
    NetworkList,
    NetworkQuery,
    NetworkRef,
    NetworkUpdate,
)
from pxa.proxmox import parse

ACTIONS = {"allow": "ACCEPT", "deny": "DROP", "reject": "REJECT"}
ACTION_NAMES = {v: k for k, v in ACTIONS.items()}


def _merged(item: dict[str, Any]) -> dict[str, Any]:
    """SDN items listed with pending=1 carry new values under `pending`."""
    return {**item, **(item.get("pending") or {})}


def _cidr(subnet: dict[str, Any]) -> str | None:
    if subnet.get("cidr"):
        return str(subnet["cidr"])
    parts = str(subnet.get("subnet", "")).rsplit("-", 2)  # <zone>-<network>-<prefix>
    return f"{parts[-2]}/{parts[-1]}" if len(parts) == 3 else None


def _range(subnet: dict[str, Any]) -> DhcpRange | None:
    ranges = subnet.get("dhcp-range") or []
    if isinstance(ranges, str):
        ranges = [ranges]
    for r in ranges:
        props = r if isinstance(r, dict) else parse.property_string(str(r))
        if props.get("start-address") and props.get("end-address"):
            return DhcpRange(start=props["start-address"], end=props["end-address"])
    return None


async def _sdn_networks(infra: Infra, with_rules: bool) -> list[Network]:
    api = infra.adapter.sdn
    zones = {z["zone"]: _merged(z) for z in await api.zones()}
    out = []
    for raw in await api.vnets():
        vnet = _merged(raw)
        name = vnet["vnet"]
        zone = zones.get(vnet.get("zone", ""), {})
        subnets = [_merged(s) for s in await api.subnets(name)]
        subnet = subnets[0] if subnets else {}
        rules = await _rules(infra, name) if with_rules else []
        meta = infra.meta.get("network", f"net-{name}")
        dns = meta.get("dns_servers") or (
            [subnet["dhcp-dns-server"]] if subnet.get("dhcp-dns-server") else []
        )
        state = raw.get("state") or (subnet and subnets[0].get("state"))
        out.append(
            Network(
                id=f"net-{name}",
                name=vnet.get("alias") or name,
                type=zone.get("type")
                if zone.get("type") in ("vlan", "simple", "vxlan")
                else "vlan",
                vlan_id=int(vnet["tag"]) if vnet.get("tag") else None,
                subnet=_cidr(subnet) if subnet else None,
                gateway=subnet.get("gateway"),
                dns_servers=dns,
                dhcp_enabled=bool(zone.get("dhcp")) and _range(subnet) is not None,
                dhcp_range=_range(subnet),
                firewall_rules=rules,
                zone=vnet.get("zone"),
                status="pending" if state else "applied",
                used_by=sorted({*_users(infra, name), *_tagged_users(infra, zone, vnet)}),
                created_at=meta.get("created_at"),
            )
        )
    return out


def _tagged_users(infra: Infra, zone: dict[str, Any], vnet: dict[str, Any]) -> list[str]:
    """Guests on the zone's bridge with the vnet's VLAN tag are on this network too."""
    if not zone.get("bridge") or not vnet.get("tag"):
        return []
    return _users(infra, f"{zone['bridge']}.{vnet['tag']}")


def _users(infra: Infra, bridge: str) -> list[str]:
    return sorted(g for g, f in infra.inventory.facts.items() if bridge in (f.get("bridges") or []))


async def _bridges(infra: Infra) -> list[Network]:
    out = []
    for node, row in sorted(infra.inventory.nodes.items()):
        if row.get("status") != "online":
            continue
        try:
            ifaces = await infra.adapter.sdn.node_interfaces(node, "bridge")
        except PxaError:
            continue
        for i in ifaces:
            cidr = i.get("cidr")
            subnet = str(ipaddress.ip_interface(cidr).network) if cidr else None
            out.append(
                Network(
                    id=f"bridge-{node}-{i['iface']}",
                    name=i["iface"],
                    type="bridge",
                    subnet=subnet,
                    gateway=i.get("gateway"),
                    node=node,
                    status="active" if i.get("active") else "inactive",
                    used_by=[
                        g
                        for g in _users(infra, i["iface"])
                        if infra.inventory.guests.get(g, {}).get("node") == node
                    ],
                )
            )
    return out


async def _rules(infra: Infra, vnet: str) -> list[FirewallRule]:
    rows = await infra.adapter.sdn.rules(vnet)
    return [
        FirewallRule(
            id=f"rule-{r['pos']}",
            position=int(r["pos"]),
            action=ACTION_NAMES.get(str(r.get("action")), "deny"),
            protocol=r.get("proto") or "any",
            port=r.get("dport"),
            source=r.get("source"),
            destination=r.get("dest"),
            enabled=bool(r.get("enable")),
            comment=r.get("comment"),
        )
        for r in sorted(rows, key=lambda r: int(r["pos"]))
    ]


async def _know_bridges(infra: Infra) -> None:
    """`used_by` needs each guest's NIC bridges; read configs once (cached) on small clusters."""
    await infra.inventory.ensure_fresh()
    if len(infra.inventory.guests) <= 500:
        await infra.inventory.enrich(list(infra.inventory.guests), key="bridges")


@operation(
    "network.list",
    summary="List networks: SDN VLANs with subnet, DHCP and firewall rules, and node bridges",
    input=NetworkQuery,
    output=NetworkList,
    scope="network:read",
    risk=Risk.read,
)
async def network_list(infra: Infra, q: NetworkQuery, ctx: CallContext) -> NetworkList:
    await _know_bridges(infra)
    nets = await _sdn_networks(infra, with_rules=True)
    if q.include_bridges:
        nets += await _bridges(infra)
    if q.type:
        nets = [n for n in nets if n.type == q.type]
    return NetworkList(networks=nets)


async def find_network(infra: Infra, ref: str, *, with_rules: bool = True) -> Network:
    await _know_bridges(infra)
    nets = await _sdn_networks(infra, with_rules=with_rules)
    for n in nets:
        if ref in (n.id, n.name, n.id.removeprefix("net-")):
            return n
    if ref.startswith("bridge-"):
        for n in await _bridges(infra):
            if n.id == ref:
                return n
    names = ", ".join(n.name for n in nets) or "none"
    raise NotFound(f"network {ref!r} not found; networks: {names}")


@operation(
    "network.get",
    summary="Show one network",
    input=NetworkRef,
    output=Network,
    scope="network:read",
    risk=Risk.read,
)
async def network_get(infra: Infra, ref: NetworkRef, ctx: CallContext) -> Network:
    return await find_network(infra, ref.network_id)


def _check_addresses(req: NetworkCreate | NetworkUpdate, subnet: str) -> None:
    net = ipaddress.IPv4Network(subnet)
    gw = req.gateway
    if gw and ipaddress.IPv4Address(gw) not in net:
        raise Invalid(
            f"gateway {gw} is outside {subnet}",
            field="gateway",
            reason="outside_subnet",
            provided_value=gw,
        )
    r = req.dhcp_range
    if r:
        start, end = ipaddress.IPv4Address(r.start), ipaddress.IPv4Address(r.end)
        if start not in net or end not in net:
            raise Invalid(
                f"dhcp_range {r.start}-{r.end} is outside {subnet}",
                field="dhcp_range",
                reason="outside_subnet",
                provided_value=r.model_dump(),
            )
        if start > end:
            raise Invalid(
                "dhcp_range starts after it ends",
                field="dhcp_range",
                reason="start_after_end",
                provided_value=r.model_dump(),
            )
        if gw and start <= ipaddress.IPv4Address(gw) <= end:
            raise Invalid(
                f"dhcp_range covers the gateway {gw}",
                field="dhcp_range",
                reason="overlaps_gateway",
                provided_value=r.model_dump(),
            )
    if req.dhcp_enabled and not r:
        raise Invalid("dhcp_enabled needs a dhcp_range", field="dhcp_range", reason="missing")


async def _vlan_zone(infra: Infra, wanted: str | None) -> dict[str, Any]:
    zones = [_merged(z) for z in await infra.adapter.sdn.zones()]
    if wanted:
        zone = next((z for z in zones if z["zone"] == wanted), None)
        if zone is None:
            raise Invalid(
                f"SDN zone {wanted!r} does not exist",
                field="zone",
                reason="unknown_zone",
                provided_value=wanted,
            )
        return zone
    vlan = [z for z in zones if z.get("type") == "vlan"]
    if len(vlan) == 1:
        return vlan[0]
    if not vlan:
        raise Invalid(
            "there is no SDN VLAN zone: create one (Datacenter → SDN → Zones, type "
            "VLAN on your bridge) or name it with zone",
            field="zone",
            reason="no_zone",
        )
    names = ", ".join(z["zone"] for z in vlan)
    raise Invalid(
        f"several VLAN zones exist ({names}): name one with zone",
        field="zone",
        reason="ambiguous_zone",
    )


def _apply_job(infra: Infra, ctx: CallContext, target: str, message: str) -> str:
    job_id = infra.jobs.create(
        "network_apply",
        workflow="pve_task",
        params={
            "method": "sdn.apply",
            "args": [],
            "message": message,
            "done_message": "SDN configuration applied on every node",
            "result": {"network_id": target},
        },
        state={"expected_seconds": 4},
        target=target,
        actor=str(ctx.actor),
    )
    infra.jobs.start(job_id)
    return job_id


@operation(
    "network.create",
    summary="Create a VLAN network (SDN vnet + subnet with gateway, DHCP, DNS) and apply it",
    input=NetworkCreate,
    output=NetworkChange,
    scope="network:write",
    risk=Risk.write,
)
async def network_create(infra: Infra, req: NetworkCreate, ctx: CallContext) -> NetworkChange:
    _check_addresses(req, req.subnet)
    zone = await _vlan_zone(infra, req.zone)
    existing = await _sdn_networks(infra, with_rules=False)
    for n in existing:
        if n.name == req.name:
            raise Conflict(
                f"a network named {req.name!r} already exists ({n.id})",
                details={"field": "name", "provided_value": req.name},
            )
        if n.zone == zone["zone"] and n.vlan_id == req.vlan_id:
            raise Conflict(
                f"VLAN {req.vlan_id} is already used by {n.name} in zone {n.zone}",
                details={"field": "vlan_id", "provided_value": req.vlan_id},
            )
        if n.subnet and ipaddress.IPv4Network(n.subnet).overlaps(ipaddress.IPv4Network(req.subnet)):
            raise Conflict(
                f"subnet {req.subnet} overlaps {n.name}'s {n.subnet}",
                details={"field": "subnet", "provided_value": req.subnet},
            )
    vnet = f"vlan{req.vlan_id}"
    api = infra.adapter.sdn
    notes = []
    if req.dhcp_enabled and zone.get("type") != "simple":
        raise Invalid(
            f"Proxmox SDN hands out DHCP leases only in Simple zones, and zone {zone['zone']} "
            f"is a {zone.get('type')} zone: DHCP on VLAN {req.vlan_id} must come from your "
            "router or a DHCP server on that VLAN. Create the network with dhcp_enabled=false, "
            "or in a Simple zone",
            field="dhcp_enabled",
            reason="dhcp_needs_simple_zone",
            provided_value=True,
        )
    if req.dhcp_enabled and not zone.get("dhcp"):
        # Zone DHCP serves only subnets that have a range: turning it on changes no other vnet.
        await api.update_zone(zone["zone"], dhcp="dnsmasq")
        notes.append(f"DHCP (dnsmasq) turned on for zone {zone['zone']}")
    await api.create_vnet(vnet, zone["zone"], tag=req.vlan_id, alias=req.name)
    params: dict[str, Any] = {}
    if req.gateway:
        params["gateway"] = req.gateway
    if req.dhcp_enabled and req.dhcp_range:
        params["dhcp-range"] = (
            f"start-address={req.dhcp_range.start},end-address={req.dhcp_range.end}"
        )
    if req.dns_servers:
        params["dhcp-dns-server"] = req.dns_servers[0]
    try:
        await api.create_subnet(vnet, req.subnet, **params)
    except PxaError:
        await api.delete_vnet(vnet)  # leave nothing half-made in the pending config
        raise
    infra.meta.put(
        "network",
        f"net-{vnet}",
        {"dns_servers": req.dns_servers, "created_at": datetime.now(UTC).isoformat()},
    )
    job_id = _apply_job(infra, ctx, f"net-{vnet}", f"applying SDN: new network {req.name}")
    return NetworkChange(
        network=await find_network(infra, vnet),
        job_id=job_id,
        message="; ".join([f"network {req.name} ({vnet}) created", *notes, "applying SDN"]),
    )


@operation(
    "network.update",
    summary="Change a network's name, gateway, DNS or DHCP, and apply it",
    input=NetworkUpdate,
    output=NetworkChange,
    scope="network:write",
    risk=Risk.write,
)
async def network_update(infra: Infra, req: NetworkUpdate, ctx: CallContext) -> NetworkChange:
    net = await _changeable(infra, req.network_id)
    vnet = net.id.removeprefix("net-")
    merged = NetworkCreate(
        name=req.name or net.name,
        vlan_id=net.vlan_id or 1,
        subnet=net.subnet or "0.0.0.0/0",
        gateway=req.gateway if req.gateway is not None else net.gateway,
        dns_servers=req.dns_servers if req.dns_servers is not None else net.dns_servers,
        dhcp_enabled=req.dhcp_enabled if req.dhcp_enabled is not None else net.dhcp_enabled,
        dhcp_range=req.dhcp_range or net.dhcp_range,
    )
    if net.subnet:
        _check_addresses(merged, net.subnet)
    api = infra.adapter.sdn
    if req.name and req.name != net.name:
        await api.update_vnet(vnet, alias=req.name)
    subnets = await api.subnets(vnet)
    if subnets:
        params: dict[str, Any] = {}
        if req.gateway is not None:
            params["gateway"] = req.gateway
        if req.dhcp_range is not None or req.dhcp_enabled is not None:
            if merged.dhcp_enabled and merged.dhcp_range:
                r = merged.dhcp_range
                params["dhcp-range"] = f"start-address={r.start},end-address={r.end}"
            else:
                params["delete"] = "dhcp-range"
        if req.dns_servers is not None:
            if req.dns_servers:
                params["dhcp-dns-server"] = req.dns_servers[0]
            else:
                params["delete"] = ",".join(filter(None, [params.get("delete"), "dhcp-dns-server"]))
        if params:
            await api.update_subnet(vnet, subnets[0]["subnet"], **params)
    if req.dns_servers is not None:
        meta = infra.meta.get("network", net.id)
        infra.meta.put("network", net.id, {**meta, "dns_servers": req.dns_servers})
    job_id = _apply_job(infra, ctx, net.id, f"applying SDN: changed network {merged.name}")
    return NetworkChange(
        network=await find_network(infra, vnet),
        job_id=job_id,
        message=f"network {merged.name} changed; applying SDN",
    )


@operation(
    "network.delete",
    summary="Delete a network (its subnet and vnet) and apply it",
    input=NetworkRef,
    output=NetworkChange,
    scope="network:write",
    risk=Risk.destructive,
)
async def network_delete(infra: Infra, ref: NetworkRef, ctx: CallContext) -> NetworkChange:
    net = await _changeable(infra, ref.network_id)
    if net.used_by:
        raise Conflict(
            f"network {net.name} is still used by {', '.join(net.used_by)}; move "
            "or delete those guests' NICs first",
            details={"used_by": net.used_by},
        )
    vnet = net.id.removeprefix("net-")
    api = infra.adapter.sdn
    for s in await api.subnets(vnet):
        await api.delete_subnet(vnet, s["subnet"])
    await api.delete_vnet(vnet)
    infra.meta.delete("network", net.id)
    job_id = _apply_job(infra, ctx, net.id, f"applying SDN: network {net.name} removed")
    return NetworkChange(network=None, job_id=job_id, message=f"network {net.name} deleted")


# ---- firewall rules --------------------------------------------------------------------


async def _changeable(infra: Infra, ref: str) -> Network:
    """An SDN network pxa may change; node bridges are read-only."""
    net = await find_network(infra, ref, with_rules=False)
    if net.type == "bridge":
        raise Invalid(
            "node bridges are read-only in pxa",
            field="network_id",
            reason="read_only_bridge",
            provided_value=ref,
        )
    return net


async def _vnet_of(infra: Infra, ref: str) -> tuple[Network, str]:
    net = await find_network(infra, ref, with_rules=False)
    if net.type == "bridge":
        raise Invalid(
            "firewall rules belong to SDN networks, not node bridges",
            field="network_id",
            reason="bridge_has_no_rules",
            provided_value=ref,
        )
    return net, net.id.removeprefix("net-")


@operation(
    "network.rule.list",
    summary="List a network's firewall rules",
    input=NetworkRef,
    output=FirewallRuleList,
    scope="network:read",
    risk=Risk.read,
)
async def rule_list(infra: Infra, ref: NetworkRef, ctx: CallContext) -> FirewallRuleList:
    _, vnet = await _vnet_of(infra, ref.network_id)
    return FirewallRuleList(rules=await _rules(infra, vnet))


@operation(
    "network.rule.add",
    summary="Add a firewall rule to a network (first in order)",
    input=FirewallRuleCreate,
    output=FirewallRuleList,
    scope="network:write",
    risk=Risk.write,
)
async def rule_add(infra: Infra, req: FirewallRuleCreate, ctx: CallContext) -> FirewallRuleList:
    if req.port and req.protocol not in ("tcp", "udp"):
        raise Invalid(
            "a port needs protocol tcp or udp",
            field="protocol",
            reason="port_without_protocol",
            provided_value=req.protocol,
        )
    _, vnet = await _vnet_of(infra, req.network_id)
    params: dict[str, Any] = {
        "type": "forward",
        "action": ACTIONS[req.action],
        "enable": req.enabled,
    }
    if req.protocol != "any":
        params["proto"] = req.protocol
    for key, value in (
        ("dport", req.port),
        ("source", req.source),
        ("dest", req.destination),
        ("comment", req.comment),
    ):
        if value:
            params[key] = value
    await infra.adapter.sdn.add_rule(vnet, **params)
    return FirewallRuleList(rules=await _rules(infra, vnet))


@operation(
    "network.rule.delete",
    summary="Delete a firewall rule of a network",
    input=FirewallRuleRef,
    output=FirewallRuleList,
    scope="network:write",
    risk=Risk.destructive,
)
async def rule_delete(infra: Infra, req: FirewallRuleRef, ctx: CallContext) -> FirewallRuleList:
    _, vnet = await _vnet_of(infra, req.network_id)
    text = req.rule_id.removeprefix("rule-")
    if not text.isdigit():
        raise Invalid(
            "rule_id is rule-<position> or the position",
            field="rule_id",
            reason="invalid_rule_id",
            provided_value=req.rule_id,
        )
    rules = await _rules(infra, vnet)
    if not any(r.position == int(text) for r in rules):
        raise NotFound(f"network {req.network_id} has no rule at position {text}")
    await infra.adapter.sdn.delete_rule(vnet, int(text))
    return FirewallRuleList(rules=await _rules(infra, vnet))
