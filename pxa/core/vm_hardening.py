"""Small hardening changes to a VM: the automatic fixes security findings offer.

Each is an ordinary catalogue operation, so a fix runs through the same gate (and the
chat agent's confirmation) as any other change.
"""

from __future__ import annotations

from pxa.core.catalogue import operation
from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.core.vms import mutable_guest
from pxa.errors import Invalid
from pxa.models.common import Risk
from pxa.models.vm import FirewallEnable, NicFirewall, VmDetail, VmRef
from pxa.proxmox import parse
from pxa.proxmox.mapping import guest_id


async def _detail(infra: Infra, row: dict, ctx: CallContext) -> VmDetail:
    from pxa.core.vms import vm_get

    gid = guest_id(row["type"], int(row["vmid"]))
    infra.inventory.forget(gid)
    return await vm_get(infra, VmRef(vm_id=gid), ctx)


def _qemu(row: dict) -> None:
    if row["type"] != "qemu":
        raise Invalid(
            "only QEMU VMs have this setting in pxa",
            field="vm_id",
            reason="not_qemu",
            provided_value=row.get("name"),
        )


@operation(
    "vm.firewall.enable",
    summary="Turn a VM's firewall on with a default-deny inbound policy",
    input=FirewallEnable,
    output=VmDetail,
    scope="vm:write",
    risk=Risk.write,
)
async def firewall_enable(infra: Infra, req: FirewallEnable, ctx: CallContext) -> VmDetail:
    row = await mutable_guest(infra, req.vm_id)
    _qemu(row)
    await infra.adapter.set_firewall_options(
        row["node"], int(row["vmid"]), enable=1, policy_in=req.policy_in
    )
    return await _detail(infra, row, ctx)


@operation(
    "vm.nic.firewall",
    summary="Switch the PVE firewall on (or off) for one of a VM's NICs",
    input=NicFirewall,
    output=VmDetail,
    scope="vm:write",
    risk=Risk.write,
)
async def nic_firewall(infra: Infra, req: NicFirewall, ctx: CallContext) -> VmDetail:
    row = await mutable_guest(infra, req.vm_id)
    _qemu(row)
    node, vmid = row["node"], int(row["vmid"])
    config = await infra.adapter.config(node, vmid)
    value = config.get(req.nic)
    if not value:
        raise Invalid(
            f"{row.get('name')} has no {req.nic}",
            field="nic",
            reason="unknown_nic",
            provided_value=req.nic,
        )
    parts = [p for p in str(value).split(",") if not p.startswith("firewall=")]
    parts.append(f"firewall={1 if req.enabled else 0}")
    await infra.adapter.set_config(node, vmid, **{req.nic: ",".join(parts)})
    return await _detail(infra, row, ctx)


@operation(
    "vm.agent.enable",
    summary="Enable the QEMU guest agent option (takes effect on next boot)",
    input=VmRef,
    output=VmDetail,
    scope="vm:write",
    risk=Risk.write,
)
async def agent_enable(infra: Infra, ref: VmRef, ctx: CallContext) -> VmDetail:
    row = await mutable_guest(infra, ref.vm_id)
    _qemu(row)
    config = await infra.adapter.config(row["node"], int(row["vmid"]))
    props = parse.property_string(str(config.get("agent", "0")), default_key="enabled")
    props["enabled"] = "1"
    value = ",".join(f"{k}={v}" for k, v in props.items())
    await infra.adapter.set_config(row["node"], int(row["vmid"]), agent=value)
    return await _detail(infra, row, ctx)


@operation(
    "vm.protection.enable",
    summary="Protect a VM against deletion and disk removal",
    input=VmRef,
    output=VmDetail,
    scope="vm:write",
    risk=Risk.write,
)
async def protection_enable(infra: Infra, ref: VmRef, ctx: CallContext) -> VmDetail:
    row = await mutable_guest(infra, ref.vm_id)
    _qemu(row)
    await infra.adapter.set_config(row["node"], int(row["vmid"]), protection=1)
    return await _detail(infra, row, ctx)
