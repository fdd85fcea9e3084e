"""`pxa network ...`: SDN networks, node bridges and network firewall rules."""

from __future__ import annotations

import argparse
from typing import Any

from pxa.cli.common import add_json, add_wait, console, job_call, show_call


def register(sub: argparse._SubParsersAction) -> None:
    net = sub.add_parser("network", help="VLAN networks (SDN), bridges and firewall rules")
    cmds = net.add_subparsers(dest="net_command", metavar="ACTION", required=True)
    p = cmds.add_parser("list", help="networks and node bridges")
    p.add_argument("--no-bridges", action="store_true")
    add_json(p)
    p.set_defaults(
        func=lambda a: show_call(
            a, "network.list", {"include_bridges": not a.no_bridges}, render_list
        )
    )
    p = cmds.add_parser("show", help="one network with its rules")
    p.add_argument("network")
    add_json(p)
    p.set_defaults(func=lambda a: show_call(a, "network.get", {"network_id": a.network}, render))

    p = cmds.add_parser("create", help="create a VLAN network and apply it")
    p.add_argument("name")
    p.add_argument("--vlan", type=int, required=True)
    p.add_argument("--subnet", required=True, help="CIDR, e.g. 192.168.200.0/24")
    p.add_argument("--gateway")
    p.add_argument("--dns", action="append", default=[], help="DNS server (repeatable)")
    p.add_argument(
        "--dhcp", metavar="START-END", help="DHCP range, e.g. 192.168.200.100-192.168.200.200"
    )
    p.add_argument("--zone")
    add_wait(p)
    add_json(p)
    p.set_defaults(func=cmd_create)

    p = cmds.add_parser("update", help="change name, gateway, DNS or DHCP")
    p.add_argument("network")
    p.add_argument("--name")
    p.add_argument("--gateway")
    p.add_argument("--dns", action="append")
    p.add_argument("--dhcp", metavar="START-END")
    p.add_argument("--no-dhcp", action="store_true")
    add_wait(p)
    add_json(p)
    p.set_defaults(func=cmd_update)

    p = cmds.add_parser("delete", help="delete a network and apply it")
    p.add_argument("network")
    p.add_argument("--yes", "-y", action="store_true")
    add_wait(p)
    add_json(p)
    p.set_defaults(func=lambda a: job_call(a, "network.delete", {"network_id": a.network}))

    rule = cmds.add_parser("rule", help="a network's firewall rules")
    rcmds = rule.add_subparsers(dest="rule_command", metavar="ACTION", required=True)
    p = rcmds.add_parser("list")
    p.add_argument("network")
    add_json(p)
    p.set_defaults(
        func=lambda a: show_call(
            a, "network.rule.list", {"network_id": a.network}, lambda r: render_rules(r.rules)
        )
    )
    p = rcmds.add_parser("add", help="e.g. allow tcp 22 from 192.168.0.0/16")
    p.add_argument("network")
    p.add_argument("action", choices=("allow", "deny", "reject"))
    p.add_argument("protocol", choices=("tcp", "udp", "icmp", "any"))
    p.add_argument("port", nargs="?")
    p.add_argument("--from", dest="source")
    p.add_argument("--to", dest="destination")
    p.add_argument("--comment")
    p.add_argument("--disabled", action="store_true")
    add_json(p)
    p.set_defaults(func=cmd_rule_add)
    p = rcmds.add_parser("delete")
    p.add_argument("network")
    p.add_argument("rule", help="rule-<position> or the position")
    p.add_argument("--yes", "-y", action="store_true")
    add_json(p)
    p.set_defaults(
        func=lambda a: show_call(
            a,
            "network.rule.delete",
            {"network_id": a.network, "rule_id": a.rule},
            lambda r: render_rules(r.rules),
        )
    )


def _range(text: str | None) -> dict[str, str] | None:
    if not text:
        return None
    start, _, end = text.partition("-")
    return {"start": start.strip(), "end": end.strip()}


def cmd_create(args: argparse.Namespace) -> int:
    payload: dict[str, Any] = {
        "name": args.name,
        "vlan_id": args.vlan,
        "subnet": args.subnet,
        "gateway": args.gateway,
        "dns_servers": args.dns,
        "zone": args.zone,
        "dhcp_enabled": bool(args.dhcp),
        "dhcp_range": _range(args.dhcp),
    }
    return job_call(args, "network.create", {k: v for k, v in payload.items() if v is not None})


def cmd_update(args: argparse.Namespace) -> int:
    payload: dict[str, Any] = {
        "network_id": args.network,
        "name": args.name,
        "gateway": args.gateway,
        "dns_servers": args.dns,
    }
    if args.dhcp:
        payload.update(dhcp_enabled=True, dhcp_range=_range(args.dhcp))
    if args.no_dhcp:
        payload["dhcp_enabled"] = False
    return job_call(args, "network.update", {k: v for k, v in payload.items() if v is not None})


def cmd_rule_add(args: argparse.Namespace) -> int:
    payload = {
        "network_id": args.network,
        "action": args.action,
        "protocol": args.protocol,
        "port": args.port,
        "source": args.source,
        "destination": args.destination,
        "comment": args.comment,
        "enabled": not args.disabled,
    }
    return show_call(args, "network.rule.add", payload, lambda r: render_rules(r.rules))


def render_list(result: Any) -> None:
    from rich.table import Table

    table = Table(
        "id",
        "name",
        "type",
        "vlan",
        "subnet",
        "gateway",
        "dhcp",
        "rules",
        "status",
        "used by",
        box=None,
        pad_edge=False,
    )
    for n in result.networks:
        dhcp = (
            f"{n.dhcp_range.start}-{n.dhcp_range.end}" if n.dhcp_enabled and n.dhcp_range else "-"
        )
        table.add_row(
            n.id,
            n.name,
            n.type,
            str(n.vlan_id or "-"),
            n.subnet or "-",
            n.gateway or "-",
            dhcp,
            str(len(n.firewall_rules)),
            n.status,
            str(len(n.used_by)),
        )
    console().print(table)


def render(n: Any) -> None:
    c = console()
    c.print(
        f"[bold]{n.name}[/] ({n.id}): {n.type}"
        + (f" vlan {n.vlan_id}" if n.vlan_id else "")
        + f", {n.status}"
        + (f", zone {n.zone}" if n.zone else "")
        + (f", node {n.node}" if n.node else "")
    )
    c.print(
        f"  subnet {n.subnet or '-'}, gateway {n.gateway or '-'}, "
        f"dns {', '.join(n.dns_servers) or '-'}"
    )
    if n.dhcp_enabled and n.dhcp_range:
        c.print(f"  dhcp {n.dhcp_range.start} - {n.dhcp_range.end}")
    if n.used_by:
        c.print(f"  used by {', '.join(n.used_by)}")
    render_rules(n.firewall_rules)


def render_rules(rules: list[Any]) -> None:
    if not rules:
        console().print("  no firewall rules")
    for r in rules:
        state = "" if r.enabled else " (disabled)"
        where = f" from {r.source}" if r.source else ""
        where += f" to {r.destination}" if r.destination else ""
        port = f" {r.port}" if r.port else ""
        note = f"  # {r.comment}" if r.comment else ""
        console().print(f"  {r.id}: {r.action} {r.protocol}{port}{where}{state}{note}")
