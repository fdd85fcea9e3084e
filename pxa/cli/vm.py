"""`pxa vm ...`: thin glue from arguments to the core's vm.* operations."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pxa.cli.common import add_json, add_wait, drop_none, dump, escape, job_call, run
from pxa.cli.common import console as make_console

if TYPE_CHECKING:
    from pxa.core.context import CallContext
    from pxa.core.infra import Infra
    from pxa.models.vm import VmDetail, VmList

ENVS = ("production", "staging", "development")


def register(sub: argparse._SubParsersAction) -> None:
    vm = sub.add_parser("vm", help="list, inspect, create and operate VMs")
    cmds = vm.add_subparsers(dest="vm_command", metavar="ACTION", required=True)

    p = cmds.add_parser("list", help="list VMs")
    p.add_argument("--status", choices=("running", "stopped", "paused", "creating", "unknown"))
    p.add_argument("--env", "--environment", dest="environment", choices=ENVS)
    p.add_argument("--node")
    p.add_argument("--tag")
    p.add_argument("--search", "-s", help="part of a name, id or IP")
    p.add_argument("--type", choices=("qemu", "lxc"))
    p.add_argument("--templates", action="store_true", help="include templates")
    p.add_argument(
        "--sort",
        default="name",
        choices=("name", "created_at", "status", "vmid", "node", "memory_mb", "cpu_cores"),
    )
    p.add_argument("--desc", action="store_true", help="sort descending")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--offset", type=int, default=0)
    add_json(p)
    p.set_defaults(func=cmd_list)

    p = cmds.add_parser("show", help="show one VM in detail")
    p.add_argument("vm", help="vm-101, 101 or a unique name")
    add_json(p)
    p.set_defaults(func=cmd_show)

    p = cmds.add_parser("create", help="create a VM from a template")
    p.add_argument("name")
    p.add_argument("--template", "-t", required=True)
    p.add_argument("--cores", type=int, default=2)
    p.add_argument("--sockets", type=int, default=1)
    p.add_argument("--memory", type=int, default=2048, help="MiB")
    p.add_argument("--disk", type=int, help="root disk size in GB (default: the template's)")
    p.add_argument("--node")
    p.add_argument("--vmid", type=int)
    p.add_argument("--env", "--environment", dest="environment", choices=ENVS)
    p.add_argument("--tag", action="append", default=[], dest="tags")
    p.add_argument("--description")
    p.add_argument("--vlan", type=int)
    p.add_argument("--bridge", default="vmbr0")
    p.add_argument("--ip", help="static IPv4 with prefix, e.g. 192.168.10.50/24 (default DHCP)")
    p.add_argument("--gateway")
    p.add_argument(
        "--ssh-key",
        action="append",
        default=[],
        dest="ssh_keys",
        help="a public key, or a path to a .pub file (repeatable)",
    )
    p.add_argument("--no-firewall", action="store_true")
    p.add_argument("--no-start", action="store_true")
    add_wait(p)
    add_json(p)
    p.set_defaults(func=cmd_create)

    for action, helptext in (("start", "start a VM"), ("restart", "reboot a running VM")):
        p = cmds.add_parser(action, help=helptext)
        p.add_argument("vm")
        add_wait(p)
        add_json(p)
        p.set_defaults(func=cmd_power, action=action)

    p = cmds.add_parser("stop", help="shut a VM down (or --force a hard stop)")
    p.add_argument("vm")
    p.add_argument("--force", action="store_true", help="hard stop, like pulling the plug")
    p.add_argument("--timeout", type=int, default=300, help="seconds before a forced stop")
    p.add_argument("--yes", "-y", action="store_true")
    add_wait(p)
    add_json(p)
    p.set_defaults(func=cmd_stop)

    p = cmds.add_parser("update", help="change cores, memory, name, description or tags")
    p.add_argument("vm")
    p.add_argument("--cores", type=int)
    p.add_argument("--sockets", type=int)
    p.add_argument("--memory", type=int, help="MiB")
    p.add_argument("--name")
    p.add_argument("--description")
    p.add_argument("--tags", help="comma-separated; replaces the tags")
    p.add_argument("--env", "--environment", dest="environment", choices=ENVS)
    add_json(p)
    p.set_defaults(func=cmd_update)

    p = cmds.add_parser("delete", help="delete a VM and its disks")
    p.add_argument("vm")
    p.add_argument("--force", action="store_true", help="stop it hard first if running")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for the name")
    add_wait(p)
    add_json(p)
    p.set_defaults(func=cmd_delete)

    snap = cmds.add_parser("snapshot", help="list, take, restore or delete snapshots")
    scmds = snap.add_subparsers(dest="snap_command", metavar="ACTION", required=True)
    p = scmds.add_parser("list")
    p.add_argument("vm")
    add_json(p)
    p.set_defaults(func=cmd_snap_list)
    p = scmds.add_parser("create")
    p.add_argument("vm")
    p.add_argument("name")
    p.add_argument("--description")
    p.add_argument("--memory", action="store_true", help="include the RAM state")
    add_wait(p)
    add_json(p)
    p.set_defaults(func=cmd_snap, op="vm.snapshot.create")
    for action in ("restore", "delete"):
        p = scmds.add_parser(action)
        p.add_argument("vm")
        p.add_argument("name")
        p.add_argument("--yes", "-y", action="store_true")
        add_wait(p)
        add_json(p)
        p.set_defaults(func=cmd_snap, op=f"vm.snapshot.{action}")


def cmd_list(args: argparse.Namespace) -> int:
    query = {
        "status": args.status,
        "environment": args.environment,
        "node": args.node,
        "tag": args.tag,
        "search": args.search,
        "type": args.type,
        "include_templates": args.templates,
        "sort": args.sort,
        "order": "desc" if args.desc else "asc",
        "limit": args.limit,
        "offset": args.offset,
    }

    async def body(infra: Infra, ctx: CallContext) -> int:
        result = await infra.call("vm.list", {k: v for k, v in query.items() if v is not None}, ctx)
        dump(result) if args.json else render_list(result, sandbox=infra.sandbox)
        return 0

    return run(args, body)


def render_list(result: VmList, *, sandbox: bool = False) -> None:
    from rich.table import Table

    colours = {"running": "green", "stopped": "red", "paused": "yellow", "creating": "cyan"}
    table = Table(
        "id",
        "name",
        "node",
        "status",
        "env",
        "cpu",
        "mem MiB",
        "disk GB",
        "ip",
        "tags",
        box=None,
        pad_edge=False,
    )
    for vm in result.vms:
        status = f"[{colours.get(vm.status.value, 'white')}]{vm.status.value}[/]"
        if vm.lock:
            status += f" [magenta]({vm.lock})[/]"
        table.add_row(
            vm.id,
            vm.name,
            vm.node,
            status,
            vm.environment or "-",
            str(vm.cpu_cores or "-"),
            str(vm.memory_mb or "-"),
            f"{vm.storage_gb:g}" if vm.storage_gb else "-",
            vm.ip_address or "-",
            ",".join(vm.tags),
        )
    console = make_console()
    console.print(table)
    pg = result.pagination
    shown = f"{pg.offset + 1}-{pg.offset + len(result.vms)}" if result.vms else "0"
    where = " — sandbox (simulated cluster)" if sandbox else ""
    console.print(f"[dim]{shown} of {pg.total}{where}[/]")


def cmd_show(args: argparse.Namespace) -> int:
    async def body(infra: Infra, ctx: CallContext) -> int:
        detail = await infra.call("vm.get", {"vm_id": args.vm}, ctx)
        dump(detail) if args.json else render_detail(detail)
        return 0

    return run(args, body)


def render_detail(d: VmDetail) -> None:

    c = make_console()
    cfg, perf = d.configuration, d.performance
    c.print(
        f"[bold]{d.name}[/] ({d.id}) on {d.node}: {d.status.value}"
        + (f" [magenta]locked ({d.lock})[/]" if d.lock else "")
    )
    if d.description:
        c.print(f"  {escape(d.description.strip())}")
    c.print(f"  environment {d.environment or '-'}; tags {', '.join(d.tags) or '-'}")
    c.print(
        f"  {cfg.cpu_sockets}×{cfg.cpu_cores} cores, {cfg.memory_mb} MiB, os {cfg.os_type or '-'}"
        f", agent {'on' if cfg.agent_enabled else 'off'}"
        f", protection {'on' if cfg.protection else 'off'}"
    )
    for disk in cfg.storage:
        c.print(f"  disk {disk.disk_id}: {disk.volume} {disk.size_gb or '-'} GB ({disk.type})")
    for nic in cfg.network:
        vlan = f" vlan {nic.vlan_id}" if nic.vlan_id else ""
        fw = " firewall" if nic.firewall else ""
        ip = f" {nic.ip_address}" if nic.ip_address else ""
        c.print(
            f"  nic {nic.interface}: {nic.model} {nic.mac_address} on {nic.bridge}{vlan}{fw}{ip}"
        )
    if perf.uptime_seconds is not None:
        c.print(
            f"  cpu {perf.cpu_usage_percent}%, memory {perf.memory_usage_percent}%, "
            f"up {perf.uptime_seconds // 3600}h{perf.uptime_seconds % 3600 // 60:02d}m"
        )
    c.print(
        f"  firewall {'on' if d.security.firewall_enabled else 'off'}, ssh keys "
        f"{'yes' if d.security.ssh_key_auth else 'no'}"
    )
    for s in d.snapshots:
        mem = " +RAM" if s.include_memory else ""
        c.print(
            f"  snapshot {s.name}{mem} {s.created_at:%Y-%m-%d %H:%M} {s.description or ''}"
            if s.created_at
            else f"  snapshot {s.name}{mem}"
        )


def _ssh_keys(values: list[str]) -> list[str]:
    keys = []
    for v in values:
        path = Path(v).expanduser()
        keys.extend(path.read_text().splitlines() if path.is_file() else [v])
    return [k for k in keys if k.strip()]


def cmd_create(args: argparse.Namespace) -> int:
    payload: dict[str, Any] = {
        "name": args.name,
        "template": args.template,
        "description": args.description,
        "environment": args.environment,
        "node": args.node,
        "vmid": args.vmid,
        "tags": args.tags,
        "start": not args.no_start,
        "configuration": {
            "cpu_cores": args.cores,
            "cpu_sockets": args.sockets,
            "memory_mb": args.memory,
            "storage_gb": args.disk,
            "network": {
                "vlan_id": args.vlan,
                "static_ip": args.ip,
                "gateway": args.gateway,
                "bridge": args.bridge,
            },
        },
        "security": {"enable_firewall": not args.no_firewall, "ssh_keys": _ssh_keys(args.ssh_keys)},
    }
    return job_call(args, "vm.create", drop_none(payload))


def cmd_power(args: argparse.Namespace) -> int:
    return job_call(args, f"vm.{args.action}", {"vm_id": args.vm})


def cmd_stop(args: argparse.Namespace) -> int:
    return job_call(
        args,
        "vm.stop",
        {"vm_id": args.vm, "graceful": not args.force, "timeout_seconds": args.timeout},
    )


def cmd_delete(args: argparse.Namespace) -> int:
    return job_call(args, "vm.delete", {"vm_id": args.vm, "force": args.force})


def cmd_update(args: argparse.Namespace) -> int:
    payload = drop_none(
        {
            "vm_id": args.vm,
            "name": args.name,
            "description": args.description,
            "environment": args.environment,
            "tags": [t for t in args.tags.split(",") if t] if args.tags is not None else None,
            "configuration": {
                "cpu_cores": args.cores,
                "cpu_sockets": args.sockets,
                "memory_mb": args.memory,
            },
        }
    )

    async def body(infra: Infra, ctx: CallContext) -> int:
        detail = await infra.call("vm.update", payload, ctx)
        dump(detail) if args.json else render_detail(detail)
        return 0

    return run(args, body)


def cmd_snap_list(args: argparse.Namespace) -> int:
    async def body(infra: Infra, ctx: CallContext) -> int:
        result = await infra.call("vm.snapshot.list", {"vm_id": args.vm}, ctx)
        if args.json:
            dump(result)
        elif not result.snapshots:
            print("no snapshots")
        for s in [] if args.json else result.snapshots:
            when = f"{s.created_at:%Y-%m-%d %H:%M}" if s.created_at else "-"
            print(
                f"{s.name:<24} {when}  {'+RAM ' if s.include_memory else ''}{s.description or ''}"
            )
        return 0

    return run(args, body)


def cmd_snap(args: argparse.Namespace) -> int:
    if args.op == "vm.snapshot.create":
        payload = drop_none(
            {
                "vm_id": args.vm,
                "name": args.name,
                "description": args.description,
                "include_memory": args.memory,
            }
        )
    else:
        payload = {"vm_id": args.vm, "snapshot_id": args.name}
    return job_call(args, args.op, payload)
