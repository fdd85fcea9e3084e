"""Reading a rendered module back into a spec (python-hcl2's output, one dict per file).

This is how the tests prove the round trip: live VMs → spec → HCL → parse → the same
spec. Telmate has no firewall resources, so its VMs come back with the default firewall.
"""

from __future__ import annotations

import re
from typing import Any

from pxa.iac.hcl import blocks, is_expression, literal
from pxa.iac.spec import (
    CloudInitSpec,
    DiskSpec,
    FirewallRuleSpec,
    FirewallSpec,
    InfraSpec,
    NicSpec,
    VmSpec,
    resource_name,
)
from pxa.proxmox.parse import property_string


# --- reading a bpg module back -------------------------------------------------------
def _one(body: dict[str, Any], name: str) -> dict[str, Any]:
    found = blocks(body, name)
    return found[0] if found else {}


def _get(body: dict[str, Any], key: str, default: Any = None) -> Any:
    if key not in body:
        return default
    return literal(body[key])


def _vm_from_bpg(body: dict[str, Any]) -> VmSpec:
    cpu, memory, agent = _one(body, "cpu"), _one(body, "memory"), _one(body, "agent")
    init = _one(body, "initialization")
    account = _one(init, "user_account")
    ips = [_one(ip, "ipv4") for ip in blocks(init, "ip_config")]
    nics = []
    for index, nic in enumerate(blocks(body, "network_device")):
        ip = ips[index] if index < len(ips) else {}
        nics.append(
            NicSpec(
                bridge=_get(nic, "bridge", "vmbr0"),
                vlan_id=_get(nic, "vlan_id"),
                firewall=_get(nic, "firewall", False),
                mac_address=_get(nic, "mac_address"),
                ipv4=_get(ip, "address", "dhcp"),
                gateway=_get(ip, "gateway"),
            )
        )
    keys = account.get("keys")
    return VmSpec(
        name=_get(body, "name"),
        vm_id=_get(body, "vm_id"),
        node=_get(body, "node_name"),
        cores=_get(cpu, "cores", 1),
        sockets=_get(cpu, "sockets", 1),
        cpu_type=_get(cpu, "type", "qemu64"),
        os_type=_get(_one(body, "operating_system"), "type", "other"),
        scsi_hardware=_get(body, "scsi_hardware", "virtio-scsi-pci"),
        memory_mb=_get(memory, "dedicated", 512),
        disks=[
            DiskSpec(
                interface=_get(d, "interface"),
                size_gb=_get(d, "size", 8),
                storage=_get(d, "datastore_id"),
                iothread=_get(d, "iothread", False),
            )
            for d in blocks(body, "disk")
        ],
        nics=nics,
        cloud_init=CloudInitSpec(
            user=_get(account, "username"),
            ssh_keys=[] if keys is None or is_expression(keys) else literal(keys),
            ssh_keys_from_variable=is_expression(keys) if keys is not None else False,
            auto_updates=False,
            user_data="user_data_file_id" in init,
        ),
        agent=_get(agent, "enabled", False),
        protection=_get(body, "protection", False),
        on_boot=_get(body, "on_boot", True),
        started=_get(body, "started", True),
        tags=_get(body, "tags", []),
        description=_get(body, "description"),
    )


def _firewall(options: dict[str, Any], rules: dict[str, Any] | None) -> FirewallSpec:
    return FirewallSpec(
        enabled=_get(options, "enabled", False),
        policy_in=_get(options, "input_policy", "DROP"),
        policy_out=_get(options, "output_policy", "ACCEPT"),
        rules=[
            FirewallRuleSpec(
                direction=_get(r, "type", "in"),
                action=_get(r, "action", "ACCEPT"),
                protocol=_get(r, "proto"),
                port=_get(r, "dport"),
                macro=_get(r, "macro"),
                source=_get(r, "source"),
                comment=_get(r, "comment"),
                enabled=_get(r, "enabled", True),
            )
            for r in blocks(rules or {}, "rule")
        ],
    )


def spec_from_bpg(documents: list[dict[str, Any]]) -> InfraSpec:
    """The spec a bpg module (python-hcl2 output, one dict per file) describes."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for doc in documents:
        for resource in doc.get("resource") or []:
            for rtype, named in resource.items():
                for rname, body in named.items():
                    found.setdefault(literal(rtype), {})[literal(rname)] = body
    vms = []
    for label, body in found.get("proxmox_virtual_environment_vm", {}).items():
        vm = _vm_from_bpg(body)
        assert resource_name(vm.name) == label, f"label {label} does not match {vm.name}"
        options = found.get("proxmox_virtual_environment_firewall_options", {}).get(label, {})
        rules = found.get("proxmox_virtual_environment_firewall_rules", {}).get(label)
        vms.append(vm.model_copy(update={"firewall": _firewall(options, rules)}))
    return InfraSpec(vms=vms, backup=None)


# --- reading a Telmate module back ---------------------------------------------------
SSH_KEY = re.compile(r"((?:ssh|ecdsa|sk-ssh|sk-ecdsa)-[\w@.-]+ [A-Za-z0-9+/=]+(?: [^\"\\]+)?)")


def _telmate_disks(body: dict[str, Any]) -> list[DiskSpec]:
    found = []
    for disks in blocks(body, "disks"):
        for bus in ("scsi", "virtio", "sata", "ide"):
            for group in blocks(disks, bus):
                for slot, entries in group.items():
                    if slot == "__is_block__":
                        continue
                    for entry in entries:
                        disk = _one(entry, "disk")
                        if not disk:
                            continue
                        size = str(_get(disk, "size", "0G"))
                        found.append(
                            DiskSpec(
                                interface=slot,
                                size_gb=int(size.rstrip("G")),
                                storage=_get(disk, "storage"),
                                iothread=_get(disk, "iothread", False),
                            )
                        )
    return found


def _vm_from_telmate(body: dict[str, Any]) -> VmSpec:
    cpu = _one(body, "cpu")
    nics = []
    for index, nic in enumerate(sorted(blocks(body, "network"), key=lambda n: n.get("id", 0))):
        ip = str(_get(body, f"ipconfig{index}", "ip=dhcp"))
        props = property_string(ip)
        nics.append(
            NicSpec(
                bridge=_get(nic, "bridge", "vmbr0"),
                vlan_id=_get(nic, "tag"),
                firewall=_get(nic, "firewall", False),
                mac_address=_get(nic, "macaddr"),
                ipv4=props.get("ip", "dhcp"),
                gateway=props.get("gw"),
            )
        )
    keys = str(body.get("sshkeys", ""))
    tags = str(_get(body, "tags", "") or "")
    return VmSpec(
        name=_get(body, "name"),
        vm_id=_get(body, "vmid"),
        node=_get(body, "target_node"),
        template=_get(body, "clone"),
        cores=_get(cpu, "cores", 1),
        sockets=_get(cpu, "sockets", 1),
        cpu_type=_get(cpu, "type", "host"),
        os_type=_get(body, "qemu_os", "other"),
        scsi_hardware=_get(body, "scsihw", "lsi"),
        memory_mb=_get(body, "memory", 512),
        disks=_telmate_disks(body),
        nics=nics,
        cloud_init=CloudInitSpec(
            user=_get(body, "ciuser"),
            ssh_keys=SSH_KEY.findall(keys),
            ssh_keys_from_variable="var." in keys,
            auto_updates=False,
            user_data="sshkeys" not in body,
        ),
        agent=_get(body, "agent", 0) == 1,
        protection=_get(body, "protection", False),
        on_boot=_get(body, "start_at_node_boot", False),
        started=_get(body, "power_state", "running") == "running",
        tags=[t for t in tags.split(";") if t],
        description=_get(body, "description"),
    )


def spec_from_telmate(documents: list[dict[str, Any]]) -> InfraSpec:
    """The spec a Telmate module describes. Telmate has no firewall resources, so each
    VM's firewall comes back as the default: compare firewalls separately."""
    vms = []
    for doc in documents:
        for resource in doc.get("resource") or []:
            for rtype, named in resource.items():
                if literal(rtype) != "proxmox_vm_qemu":
                    continue
                for rname, body in named.items():
                    vm = _vm_from_telmate(body)
                    assert resource_name(vm.name) == literal(rname)
                    vms.append(vm)
    return InfraSpec(vms=vms, backup=None)
