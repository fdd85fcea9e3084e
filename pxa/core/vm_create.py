"""Creating a VM from a template: checked up front, then a resumable job.

clone → configure (cores, memory, tags, NIC with VLAN and firewall, cloud-init IP and
SSH keys) → resize the root disk → firewall on → start. If a step fails after the clone,
the job says which VM was left behind and in what state.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from pxa.core.catalogue import operation
from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.core.vmids import new_vmid
from pxa.core.workflow import JobContext, workflow
from pxa.errors import Conflict, Invalid, NodeOffline, PxaError
from pxa.models.common import Risk
from pxa.models.vm import VmCreate, VmCreated, VmStatus
from pxa.proxmox import mapping, parse

SSH_KEY_PREFIXES = ("ssh-", "ecdsa-", "sk-ssh-", "sk-ecdsa-")
ROOT_DISKS = ("scsi0", "virtio0", "sata0", "ide0")


async def plan_create(infra: Infra, req: VmCreate) -> dict[str, Any]:
    """Every check against the cluster, and the workflow's parameters if all pass."""
    await infra.inventory.ensure_fresh(0)
    guests = infra.inventory.guests
    template = _find_template(guests, req.template)
    tnode, tvmid = template["node"], int(template["vmid"])
    for row in guests.values():
        if row.get("name") == req.name:
            gid = mapping.guest_id(row["type"], int(row["vmid"]))
            raise Conflict(
                f"a VM named {req.name!r} already exists ({gid})",
                details={"field": "name", "provided_value": req.name},
            )
    node = req.node or tnode
    online = infra.inventory.node_online(node)
    if online is None:
        raise Invalid(
            f"node {node!r} does not exist; nodes: {', '.join(sorted(infra.inventory.nodes))}",
            field="node",
            reason="unknown_node",
            provided_value=node,
        )
    if not online:
        raise NodeOffline(f"node {node} is offline: cannot create {req.name} there")
    if infra.inventory.node_online(tnode) is False:
        raise NodeOffline(f"node {tnode} holding template {template.get('name')} is offline")
    if req.security.encrypt_disk:
        raise Invalid(
            "Proxmox has no per-VM disk encryption; use an encrypted storage (e.g. ZFS native "
            "encryption or LUKS under LVM) and create the VM there",
            field="security.encrypt_disk",
            reason="unsupported",
            provided_value=True,
        )
    for i, key in enumerate(req.security.ssh_keys):
        if not key.strip().startswith(SSH_KEY_PREFIXES):
            raise Invalid(
                "not an SSH public key",
                field=f"security.ssh_keys.{i}",
                reason="invalid_ssh_key",
                provided_value=key[:40],
            )
    net = _network(req)
    tconfig = await infra.adapter.config(tnode, tvmid)
    root_key, root_gb = _root_disk(tconfig)
    if node != tnode:
        _require_shared_storage(infra, tconfig, template, node)
    wanted = req.configuration.storage_gb
    if wanted is not None and root_gb is not None and wanted < root_gb:
        raise Invalid(
            f"storage_gb {req.configuration.storage_gb} is smaller than the template's "
            f"{root_gb:g} GB disk; disks can only grow",
            field="configuration.storage_gb",
            reason="smaller_than_template",
            provided_value=req.configuration.storage_gb,
        )
    vmid = await new_vmid(infra, req.vmid)
    gid = mapping.guest_id("qemu", vmid)
    tags = list(req.tags)
    if req.environment and req.environment not in tags:
        tags.insert(0, req.environment)
    params: dict[str, Any] = {
        "template": {"node": tnode, "vmid": tvmid, "name": template.get("name")},
        "node": node,
        "vmid": vmid,
        "name": req.name,
        "description": req.description,
        "cores": req.configuration.cpu_cores,
        "sockets": req.configuration.cpu_sockets,
        "memory": req.configuration.memory_mb,
        "tags": parse.format_tags(tags),
        "net0": _net0(tconfig, req),
        "ipconfig0": net,
        "sshkeys": parse.encode_sshkeys(req.security.ssh_keys) if req.security.ssh_keys else None,
        "resize": (
            {"disk": root_key, "size": f"{req.configuration.storage_gb}G"}
            if req.configuration.storage_gb
            and root_gb is not None
            and req.configuration.storage_gb > root_gb
            else None
        ),
        "firewall": req.security.enable_firewall,
        "start": req.start,
    }
    return params


@operation(
    "vm.create",
    summary="Create a VM from a template (clone, configure, resize, firewall, start)",
    input=VmCreate,
    output=VmCreated,
    scope="vm:write",
    risk=Risk.write,
    prepare=plan_create,
)
async def vm_create(infra: Infra, req: VmCreate, ctx: CallContext) -> VmCreated:
    params: dict[str, Any] = ctx.prepared
    vmid = params["vmid"]
    gid = mapping.guest_id("qemu", vmid)
    job_id = infra.jobs.create(
        "vm_creation",
        workflow="vm_create",
        params=params,
        target=gid,
        actor=str(ctx.actor),
        state={"expected_seconds": 8},
    )
    infra.jobs.start(job_id)
    return VmCreated(
        id=gid, vmid=vmid, name=req.name, status=VmStatus.creating, creation_job_id=job_id
    )


def _find_template(guests: dict[str, dict[str, Any]], ref: str) -> dict[str, Any]:
    templates = [r for r in guests.values() if r.get("template") and r.get("type") == "qemu"]
    for row in templates:
        if ref in (row.get("name"), str(row["vmid"]), f"vm-{row['vmid']}"):
            return row
    names = ", ".join(sorted(str(r.get("name")) for r in templates)) or "none"
    raise Invalid(
        f"template {ref!r} not found; available templates: {names}",
        field="template",
        reason="unknown_template",
        provided_value=ref,
    )


def _root_disk(config: dict[str, Any]) -> tuple[str, float | None]:
    for key in (*ROOT_DISKS, *sorted(config)):
        value = config.get(key)
        if isinstance(value, str) and parse.DISK_KEY.match(key):
            d = parse.parse_disk(value)
            if d["media"] != "cdrom":
                size = parse.size_bytes(d["size"])
                return key, (size / 1024**3 if size else None)
    return "scsi0", None


def _require_shared_storage(
    infra: Infra, tconfig: dict[str, Any], template: dict[str, Any], node: str
) -> None:
    """PVE clones to another node only from shared storage; say so before starting a job."""
    storages = {
        parse.parse_disk(v)["storage"]
        for k, v in tconfig.items()
        if isinstance(v, str)
        and parse.DISK_KEY.match(k)
        and parse.parse_disk(v)["media"] != "cdrom"
    }
    shared = {
        row["storage"]
        for row in infra.inventory.storage
        if row.get("node") == template["node"] and row.get("shared")
    }
    local = sorted(s for s in storages if s and s not in shared)
    if local:
        raise Invalid(
            f"template {template.get('name')} lives on {template['node']} with local storage "
            f"({', '.join(local)}); Proxmox can only clone it on {template['node']}, not {node}",
            field="node",
            reason="template_storage_not_shared",
            provided_value=node,
        )


def _network(req: VmCreate) -> str | None:
    spec = req.configuration.network
    if not spec.static_ip:
        if spec.gateway:
            raise Invalid(
                "a gateway needs a static_ip",
                field="configuration.network.gateway",
                reason="gateway_without_ip",
                provided_value=spec.gateway,
            )
        return "ip=dhcp"
    text = spec.static_ip if "/" in spec.static_ip else f"{spec.static_ip}/24"
    try:
        iface = ipaddress.IPv4Interface(text)
    except ValueError:
        raise Invalid(
            "not an IPv4 address with prefix (192.168.1.10/24)",
            field="configuration.network.static_ip",
            reason="invalid_ip",
            provided_value=spec.static_ip,
        ) from None
    gateway = spec.gateway
    if gateway:
        try:
            inside = ipaddress.IPv4Address(gateway) in iface.network
        except ValueError:
            inside = False
        if not inside:
            raise Invalid(
                f"gateway {gateway} is not inside {iface.network}",
                field="configuration.network.gateway",
                reason="outside_subnet",
                provided_value=gateway,
            )
    out = f"ip={iface.with_prefixlen}"
    return f"{out},gw={gateway}" if gateway else out


def _net0(tconfig: dict[str, Any], req: VmCreate) -> str:
    spec = req.configuration.network
    current = parse.parse_net(tconfig.get("net0", "virtio,bridge=vmbr0"))
    parts = [current["model"] or "virtio", f"bridge={spec.bridge}"]
    if req.security.enable_firewall:
        parts.append("firewall=1")
    if spec.vlan_id:
        parts.append(f"tag={spec.vlan_id}")
    return ",".join(parts)  # no MAC: PVE generates a fresh one


@workflow("vm_create")
async def create_workflow(ctx: JobContext) -> dict[str, Any]:
    p, a = ctx.params, ctx.adapter
    node, vmid, name, t = p["node"], p["vmid"], p["name"], p["template"]
    gid = mapping.guest_id("qemu", vmid)
    try:
        ctx.span(0, 50)
        clone_args: dict[str, Any] = {"name": name, "full": True}
        if node != t["node"]:
            clone_args["target"] = node
        await ctx.task(
            "clone",
            lambda: a.clone(t["node"], t["vmid"], vmid, **clone_args),
            f"cloning template {t['name']} ({t['vmid']}) to {name} ({vmid}) on {node}",
        )
        ctx.state["partial"] = {"vm_id": gid, "vmid": vmid, "name": name, "left_at": "clone"}
        ctx.save()

        ctx.span(50, 65)
        config = {
            k: p[k]
            for k in (
                "cores",
                "sockets",
                "memory",
                "tags",
                "description",
                "net0",
                "ipconfig0",
                "sshkeys",
            )
            if p.get(k) not in (None, "")
        }
        shown = ", ".join(
            f"{k}={v}" for k, v in config.items() if k not in ("sshkeys", "description")
        )
        await ctx.task(
            "configure", lambda: a.update_config(node, vmid, **config), f"configuring {shown}"
        )
        ctx.state["partial"]["left_at"] = "configure"

        ctx.span(65, 75)
        if p.get("resize"):
            r = p["resize"]
            await ctx.task(
                "resize",
                lambda: a.resize(node, vmid, r["disk"], r["size"]),
                f"growing {r['disk']} to {r['size']}",
            )
        ctx.state["partial"]["left_at"] = "resize"

        ctx.span(75, 80)
        if p.get("firewall"):
            await ctx.step("firewall", lambda: _firewall_on(ctx, node, vmid))
        ctx.state["partial"]["left_at"] = "firewall"

        ctx.span(80, 100)
        if p.get("start"):
            await ctx.task("start", lambda: a.power(node, vmid, "start"), f"starting {name}")
    except PxaError as exc:
        partial = ctx.state.get("partial")
        if partial:
            partial["error"] = exc.message
            ctx.log(
                f"{name} ({gid}) exists but is incomplete (last finished step: "
                f"{partial['left_at']}); inspect it or delete it with `pxa vm delete {gid}`",
                "error",
            )
            ctx.save()
        raise
    ctx.log(f"{name} ({gid}) is ready on {node}")
    return {"vm_id": gid, "vmid": vmid, "name": name, "node": node}


async def _firewall_on(ctx: JobContext, node: str, vmid: int) -> bool:
    await ctx.adapter.set_firewall_options(node, vmid, enable=1)
    ctx.log("VM firewall enabled")
    return True
