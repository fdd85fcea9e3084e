"""Telmate/proxmox (`proxmox_vm_qemu`): the seed's example provider.

Telmate has no firewall resources: the VM's NICs get `firewall = true`, and the
spec's firewall policy and rules are reported as a note to apply another way (pxa's
own `vm.firewall.enable` and network rules, or bpg's provider). Cloud-init for
generated VMs is a `proxmox_cloud_init_disk` holding the user-data, network config
and meta-data.
"""

from __future__ import annotations

import re

from pxa.iac import cloudinit
from pxa.iac.hcl import Block, Expr
from pxa.iac.spec import InfraSpec, VmSpec, resource_name

VM = "proxmox_vm_qemu"
CI_DISK = "proxmox_cloud_init_disk"


def provider_block() -> Block:
    return (
        Block("provider", ("proxmox",))
        .set("pm_api_url", Expr("var.proxmox_endpoint"))
        .set("pm_api_token_id", Expr("var.proxmox_api_token_id"))
        .set("pm_api_token_secret", Expr("var.proxmox_api_token_secret"))
        .set("pm_tls_insecure", Expr("var.proxmox_insecure"))
    )


def _keys_text(vm: VmSpec) -> str:
    inline = ", ".join(f'"{k}"' for k in vm.cloud_init.ssh_keys)
    if not vm.cloud_init.ssh_keys_from_variable:
        return f"[{inline}]"
    if not inline:
        return f"var.{cloudinit.KEYS_VARIABLE}"
    return f"concat(var.{cloudinit.KEYS_VARIABLE}, [{inline}])"


def _disks(vm: VmSpec, label: str) -> Block:
    buses: dict[str, Block] = {}
    order = ["scsi", "virtio", "sata", "ide"]
    for disk in vm.disks:
        bus = re.sub(r"\d+$", "", disk.interface)
        inner = Block("disk").set("size", f"{disk.size_gb}G").set("storage", disk.storage)
        if bus in ("scsi", "virtio"):
            inner.set("iothread", disk.iothread)
        buses.setdefault(bus, Block(bus)).add(Block(disk.interface).add(inner))
    if vm.cloud_init.user_data:
        cdrom = Block("cdrom").set("iso", Expr(f"{CI_DISK}.{label}.id"))
        buses.setdefault("ide", Block("ide")).add(Block("ide2").add(cdrom))
    else:
        drive = Block("cloudinit").set("storage", vm.disks[0].storage)
        buses.setdefault("ide", Block("ide")).add(Block("ide2").add(drive))
    disks = Block("disks")
    for bus in order:
        if bus in buses:
            disks.add(buses[bus])
    return disks


def vm_blocks(vm: VmSpec, spec: InfraSpec) -> list[Block]:
    label = resource_name(vm.name)
    out: list[Block] = []
    ci = vm.cloud_init
    if ci.user_data:
        args = f"{cloudinit.KEYS_VARIABLE} = {_keys_text(vm)}"
        if ci.password:
            args += f", {cloudinit.PASSWORD_VARIABLE} = var.{cloudinit.PASSWORD_VARIABLE}"
        out.append(
            Block("resource", (CI_DISK, label))
            .set("name", vm.name)
            .set("pve_node", vm.node)
            .set("storage", cloudinit.USER_DATA_STORAGE)
            .set("meta_data", cloudinit.meta_data(vm))
            .set("network_config", cloudinit.network_config(vm))
            .set(
                "user_data",
                Expr(
                    f'templatefile("${{path.module}}/{cloudinit.user_data_path(vm)}", {{ {args} }})'
                ),
            )
        )
    body = (
        Block("resource", (VM, label))
        .set("name", vm.name)
        .set("target_node", vm.node)
        .set("vmid", vm.vm_id)
        .set("description", vm.description)
        .set("tags", ";".join(sorted(vm.tags)) or None)
    )
    if vm.template:
        body.set("clone", vm.template).set("full_clone", True)
    body.set("agent", 1 if vm.agent else 0)
    body.set("memory", vm.memory_mb)
    body.set("scsihw", vm.scsi_hardware)
    body.set("qemu_os", vm.os_type)
    body.set("os_type", "cloud-init")
    body.set("start_at_node_boot", vm.on_boot)
    body.set("power_state", "running" if vm.started else "stopped")
    body.set("protection", vm.protection)
    body.add(
        Block("cpu").set("cores", vm.cores).set("sockets", vm.sockets).set("type", vm.cpu_type)
    )
    body.add(_disks(vm, label))
    for index, nic in enumerate(vm.nics):
        body.add(
            Block("network")
            .set("id", index)
            .set("model", "virtio")
            .set("bridge", nic.bridge)
            .set("tag", nic.vlan_id)
            .set("firewall", nic.firewall)
            .set("macaddr", nic.mac_address)
        )
    if not ci.user_data:
        for index, nic in enumerate(vm.nics):
            ip = "ip=dhcp" if nic.ipv4 == "dhcp" else f"ip={nic.ipv4}"
            body.set(f"ipconfig{index}", ip + (f",gw={nic.gateway}" if nic.gateway else ""))
        body.set("ciuser", cloudinit.login_user(vm))
        body.set("sshkeys", Expr(f'join("\\n", {_keys_text(vm)})'))
        if ci.password:
            body.set("cipassword", Expr(f"var.{cloudinit.PASSWORD_VARIABLE}"))
    out.append(body)
    return out


def main_blocks(spec: InfraSpec) -> list[Block]:
    return [b for vm in spec.vms for b in vm_blocks(vm, spec)]


def notes(spec: InfraSpec) -> list[str]:
    """What the spec asks for that this provider cannot express."""
    out = []
    for vm in spec.vms:
        if vm.firewall.enabled or vm.firewall.rules:
            rules = ", ".join(
                f"{r.action} {r.protocol or 'any'}/{r.port or '*'} from {r.source or 'anywhere'}"
                for r in vm.firewall.rules
            )
            out.append(
                f"{vm.name}: the Telmate provider has no firewall resources; enable the VM "
                f"firewall (policy in {vm.firewall.policy_in}) and add its rules "
                f"({rules or 'none'}) with pxa or use --provider bpg"
            )
    if spec.backup and spec.backup.enabled:
        out.append(
            f"the Telmate provider has no backup jobs; schedule backups of "
            f"{', '.join(vm.name for vm in spec.vms)} ({spec.backup.schedule} to "
            f"{spec.backup.storage}) with `pxa backup schedule create` or use --provider bpg"
        )
    return out


def import_id(vm: VmSpec) -> str:
    return f"{vm.node}/qemu/{vm.vm_id}"


def ipv4_output(vm: VmSpec) -> Expr:
    return Expr(f"{VM}.{resource_name(vm.name)}.default_ipv4_address")


def vm_address(vm: VmSpec) -> str:
    return f"{VM}.{resource_name(vm.name)}"
