"""`pxa storage ...`: pools, per-node usage, content, creating pools, uploads."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from pxa.cli.common import add_json, add_wait, console, job_call, show_call

TYPE_FIELDS = (
    "path",
    "server",
    "export",
    "vgname",
    "thinpool",
    "pool",
    "datastore",
    "username",
    "fingerprint",
    "namespace",
)


def register(sub: argparse._SubParsersAction) -> None:
    st = sub.add_parser("storage", help="storage pools, content and uploads")
    cmds = st.add_subparsers(dest="storage_command", metavar="ACTION", required=True)
    p = cmds.add_parser("list")
    p.add_argument("--type")
    p.add_argument("--content")
    p.add_argument("--node")
    add_json(p)
    p.set_defaults(
        func=lambda a: show_call(
            a, "storage.list", {"type": a.type, "content": a.content, "node": a.node}, render_list
        )
    )
    p = cmds.add_parser("show")
    p.add_argument("storage")
    add_json(p)
    p.set_defaults(func=lambda a: show_call(a, "storage.get", {"storage_id": a.storage}, render))
    p = cmds.add_parser("content", help="ISOs, templates, disk images and backups on a storage")
    p.add_argument("storage")
    p.add_argument("--node")
    p.add_argument(
        "--content", choices=("images", "rootdir", "iso", "vztmpl", "backup", "snippets", "import")
    )
    p.add_argument("--vmid", type=int)
    add_json(p)
    p.set_defaults(
        func=lambda a: show_call(
            a,
            "storage.content",
            {"storage_id": a.storage, "node": a.node, "content": a.content, "vmid": a.vmid},
            render_content,
        )
    )
    p = cmds.add_parser("create", help="create a dir, nfs, lvmthin, zfspool or pbs storage")
    p.add_argument("name")
    p.add_argument("--type", required=True, choices=("dir", "nfs", "lvmthin", "zfspool", "pbs"))
    p.add_argument("--content", help="comma-separated: images,rootdir,iso,vztmpl,backup,...")
    p.add_argument("--nodes", help="comma-separated; default every node")
    p.add_argument("--shared", action="store_true")
    for field in TYPE_FIELDS:
        p.add_argument(f"--{field}")
    p.add_argument("--encryption-key", choices=("autogen",), help="pbs: client-side encryption")
    p.add_argument(
        "--password-stdin", action="store_true", help="pbs: read the password from stdin"
    )
    add_json(p)
    p.set_defaults(func=cmd_create)
    p = cmds.add_parser("upload", help="upload an ISO, container template or disk image")
    p.add_argument("storage")
    p.add_argument("file")
    p.add_argument("--content", choices=("iso", "vztmpl", "import"), default="iso")
    p.add_argument("--node")
    p.add_argument("--sha256", help="expected checksum, checked by Proxmox")
    add_wait(p)
    add_json(p)
    p.set_defaults(func=cmd_upload)


def cmd_create(args: argparse.Namespace) -> int:
    payload: dict[str, Any] = {
        "name": args.name,
        "type": args.type,
        "content": args.content.split(",") if args.content else [],
        "nodes": args.nodes.split(",") if args.nodes else [],
        "encryption_key": args.encryption_key,
        **{f: getattr(args, f) for f in TYPE_FIELDS},
    }
    if args.shared:
        payload["shared"] = True
    if args.type == "pbs":  # a secret: never an argument, which would show in `ps`
        tty = sys.stdin.isatty() and not args.password_stdin
        payload["password"] = (
            getpass.getpass("PBS password: ") if tty else sys.stdin.readline().strip()
        )
    return show_call(args, "storage.create", payload, render)


def cmd_upload(args: argparse.Namespace) -> int:
    payload = {
        "storage_id": args.storage,
        "path": args.file,
        "content": args.content,
        "node": args.node,
    }
    if args.sha256:
        payload.update(checksum=args.sha256, checksum_algorithm="sha256")
    return job_call(args, "storage.upload", {k: v for k, v in payload.items() if v is not None})


def _size(gb: float | None) -> str:
    return "-" if gb is None else (f"{gb / 1024:.1f}T" if gb >= 1024 else f"{gb:.1f}G")


def render_list(result: Any) -> None:
    from rich.table import Table

    table = Table(
        "id",
        "type",
        "content",
        "shared",
        "nodes",
        "used",
        "total",
        "use%",
        "state",
        box=None,
        pad_edge=False,
    )
    for s in result.storage:
        pct = (
            f"{100 * s.used_gb / s.total_gb:.0f}%" if s.total_gb and s.used_gb is not None else "-"
        )
        down = [u.node for u in s.usage if not u.active]
        state = "disabled" if not s.enabled else (f"offline on {','.join(down)}" if down else "ok")
        table.add_row(
            s.id,
            s.type,
            ",".join(s.content),
            "yes" if s.shared else "no",
            ",".join(s.nodes),
            _size(s.used_gb),
            _size(s.total_gb),
            pct,
            state,
        )
    console().print(table)


def render(s: Any) -> None:
    c = console()
    c.print(
        f"[bold]{s.id}[/]: {s.type}, {'shared' if s.shared else 'local'}, "
        f"{'enabled' if s.enabled else 'disabled'}; holds {', '.join(s.content)}"
    )
    for key, value in s.details.items():
        c.print(f"  {key}: {value}")
    if s.encrypted_backups:
        c.print("  backups are encrypted client-side")
    for u in s.usage:
        state = "" if u.active else " [red]offline[/]"
        c.print(
            f"  {u.node}: {_size(u.used_gb)} of {_size(u.total_gb)} used "
            f"({u.used_percent if u.used_percent is not None else '-'}%){state}"
        )


def render_content(result: Any) -> None:
    from rich.table import Table

    table = Table(
        "volid", "content", "format", "size", "vmid", "created", "notes", box=None, pad_edge=False
    )
    for i in result.items:
        flags = " [protected]" if i.protected else ""
        table.add_row(
            i.volid + flags,
            i.content,
            i.format or "-",
            _size(i.size_gb),
            str(i.vmid or "-"),
            f"{i.created_at:%Y-%m-%d %H:%M}" if i.created_at else "-",
            (i.notes or "")[:40],
        )
    console().print(table)
    console().print(f"[dim]{len(result.items)} items on {result.storage_id} ({result.node})[/]")
